/**
 * thread/* methods and notifications on our server (dist/server.js), every
 * message validated against the reference schema.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { validate as uuidValidate, version as uuidVersion } from 'uuid';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { ScriptedModel } from '../helpers/scriptedModel';
import { createStoredThread } from './threadFixtures';
import { rejects, settle } from './serverRig';

const isUuidV7 = (id: string) => uuidValidate(id) && uuidVersion(id) === 7;

describe('thread/* on our server', function () {
  this.timeout(60000);
  let model: ScriptedModel;
  let codexHome: string;
  let server: AppServerProcess;

  before(async () => {
    model = await new ScriptedModel().start();
  });
  after(async () => {
    await model.stop();
  });
  beforeEach(async () => {
    codexHome = makeTempDir('thread-test-');
    model.writeConfig(codexHome);
    server = await AppServerProcess.start('ours', { codexHome });
  });
  afterEach(async () => {
    await server.stop();
    assert.deepEqual(server.violations, [], 'every message validates against the reference schema');
  });

  /**
   * A persisted thread with one turn, loaded (resumed by path, which indexes it
   * even after the server's first listing) and then named.
   */
  async function namedThread(name: string, cwd = codexHome): Promise<string> {
    const stored = createStoredThread(codexHome, { cwd, turns: [{ user: `about ${name}`, agent: 'ok' }] });
    await server.request('thread/resume', { threadId: stored.id, path: stored.path });
    await server.request('thread/name/set', { threadId: stored.id, name });
    return stored.id;
  }

  describe('thread/start', () => {
    it('creates a UUIDv7 thread from config, then notifies thread/started after the response', async () => {
      const result = await server.request('thread/start', { cwd: codexHome });
      assert.ok(isUuidV7(result.thread.id), result.thread.id);
      assert.equal(result.thread.sessionId, result.thread.id);
      assert.equal(result.model, 'mock-model');
      assert.equal(result.modelProvider, 'mock');
      assert.equal(result.approvalPolicy, 'never');
      assert.deepEqual(result.sandbox, { type: 'dangerFullAccess' });
      assert.equal(result.cwd, codexHome);
      assert.deepEqual(result.thread.status, { type: 'idle' });
      assert.equal(result.thread.ephemeral, false);
      assert.match(result.thread.path, /\/sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.jsonl$/);
      const started = await server.waitFor('thread/started');
      assert.equal(started.params.thread.id, result.thread.id);
      const responseLine = server.rawLines.findIndex((line) => line.includes('"result"') && line.includes(result.thread.id));
      const notificationLine = server.rawLines.findIndex((line) => line.includes('"thread/started"'));
      assert.ok(responseLine >= 0 && notificationLine > responseLine, 'thread/started follows the response');
    });

    it('applies request overrides over config: model, sandbox, approvals, config map', async () => {
      const result = await server.request('thread/start', {
        cwd: codexHome,
        model: 'other-model',
        sandbox: 'workspace-write',
        approvalPolicy: 'on-request',
        config: { model_reasoning_effort: 'high', 'sandbox_workspace_write.network_access': true },
      });
      assert.equal(result.model, 'other-model');
      assert.equal(result.approvalPolicy, 'on-request');
      assert.equal(result.reasoningEffort, 'high');
      assert.equal(result.sandbox.type, 'workspaceWrite');
      assert.equal(result.sandbox.networkAccess, true);
      assert.ok(result.sandbox.writableRoots.includes(codexHome));
    });

    it('captures git metadata and the AGENTS.md files that apply to the cwd', async () => {
      const repo = makeTempDir('thread-git-');
      const run = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'ignore' });
      run('init', '-q', '-b', 'feature/x');
      run('-c', 'user.email=t@example.com', '-c', 'user.name=T', 'commit', '-q', '--allow-empty', '-m', 'init');
      run('remote', 'add', 'origin', 'https://example.com/repo.git');
      const sub = path.join(repo, 'pkg');
      fs.mkdirSync(sub);
      fs.writeFileSync(path.join(repo, 'AGENTS.md'), 'root rules');
      fs.writeFileSync(path.join(sub, 'AGENTS.md'), 'package rules');
      fs.writeFileSync(path.join(codexHome, 'AGENTS.md'), 'global rules');
      const result = await server.request('thread/start', { cwd: sub });
      const sha = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
      assert.deepEqual(result.thread.gitInfo, { sha, branch: 'feature/x', originUrl: 'https://example.com/repo.git' });
      assert.deepEqual(result.instructionSources, [path.join(codexHome, 'AGENTS.md'), path.join(repo, 'AGENTS.md'), path.join(sub, 'AGENTS.md')]);
      const plain = await server.request('thread/start', { cwd: makeTempDir('thread-nogit-') });
      assert.equal(plain.thread.gitInfo, null);
    });

    it('keeps ephemeral threads off disk', async () => {
      const { thread } = await server.request('thread/start', { cwd: codexHome, ephemeral: true });
      assert.equal(thread.ephemeral, true);
      assert.equal(thread.path, null);
      await server.request('thread/name/set', { threadId: thread.id, name: 'in memory' });
      const read = await server.request('thread/read', { threadId: thread.id });
      assert.equal(read.thread.name, 'in memory');
      assert.equal(fs.existsSync(path.join(codexHome, 'sessions')), false);
      const list = await server.request('thread/list', {});
      assert.deepEqual(list.data, []);
    });

    it('rejects a missing cwd, an unknown provider and mistyped params, and keeps serving', async () => {
      await rejects(server.request('thread/start', { cwd: path.join(codexHome, 'nope') }), -32600, /cwd does not exist/);
      await rejects(server.request('thread/start', { cwd: codexHome, modelProvider: 'nowhere' }), -32600, /unknown model provider "nowhere"/);
      await rejects(server.request('thread/start', { cwd: 42 }), -32602, /cwd/);
      await rejects(server.request('thread/start', { sandbox: 'yolo' }), -32602, /sandbox/);
      const ok = await server.request('thread/start', { cwd: codexHome });
      assert.ok(ok.thread.id);
    });
  });

  describe('thread/name/set', () => {
    it('names a thread without content in memory only, like the reference (not listed, no rollout)', async () => {
      const { thread } = await server.request('thread/start', { cwd: codexHome });
      await server.request('thread/name/set', { threadId: thread.id, name: 'Draft' });
      assert.equal((await server.request('thread/read', { threadId: thread.id })).thread.name, 'Draft');
      assert.equal(fs.existsSync(thread.path), false);
      assert.deepEqual((await server.request('thread/list', {})).data, []);
      // Archiving creates the rollout, name included.
      await server.request('thread/archive', { threadId: thread.id });
      const archived = await server.request('thread/list', { archived: true });
      assert.deepEqual(archived.data.map((t: any) => [t.id, t.name]), [[thread.id, 'Draft']]);
    });

    it('renames, notifies thread/name/updated, persists to the rollout and the reference name index', async () => {
      const stored = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'hello', agent: 'hi' }] });
      const { thread } = await server.request('thread/resume', { threadId: stored.id });
      assert.deepEqual(await server.request('thread/name/set', { threadId: thread.id, name: '  Fix the parser  ' }), {});
      const updated = await server.waitFor('thread/name/updated');
      assert.deepEqual(updated.params, { threadId: thread.id, threadName: 'Fix the parser' });
      const read = await server.request('thread/read', { threadId: thread.id });
      assert.equal(read.thread.name, 'Fix the parser');
      const lines = fs.readFileSync(thread.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(lines[0].type, 'session_meta');
      assert.equal(lines[0].payload.id, thread.id);
      assert.ok(lines.some((l) => l.payload.type === 'thread_name_updated' && l.payload.thread_name === 'Fix the parser'));
      const names = fs.readFileSync(path.join(codexHome, 'session_index.jsonl'), 'utf8');
      assert.match(names, new RegExp(`"id":"${thread.id}","thread_name":"Fix the parser"`));
    });

    it('renames a stored thread that is not loaded', async () => {
      const stored = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'hello', agent: 'hi' }] });
      await server.request('thread/name/set', { threadId: stored.id, name: 'Renamed on disk' });
      const read = await server.request('thread/read', { threadId: stored.id });
      assert.equal(read.thread.name, 'Renamed on disk');
      assert.deepEqual(read.thread.status, { type: 'notLoaded' });
      assert.match(fs.readFileSync(stored.path, 'utf8'), /Renamed on disk/);
    });

    it('names the offending field for bad input', async () => {
      const { thread } = await server.request('thread/start', { cwd: codexHome });
      await rejects(server.request('thread/name/set', { threadId: thread.id, name: '   ' }), -32602, /name/);
      await rejects(server.request('thread/name/set', { threadId: thread.id }), -32602, /name/);
      await rejects(server.request('thread/name/set', { name: 'x' }), -32602, /threadId/);
      await rejects(server.request('thread/name/set', { threadId: 'abc', name: 'x' }), -32600, /invalid thread id/);
      await rejects(server.request('thread/name/set', { threadId: '019a0000-0000-7000-8000-000000000000', name: 'x' }), -32600, /thread not found/);
    });
  });

  describe('thread/list', () => {
    it('pages newest first with cursors and reverses with backwardsCursor', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await namedThread(`thread ${i}`));
      const newestFirst = [...ids].reverse();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: any = await server.request('thread/list', { limit: 2, cursor });
        seen.push(...page.data.map((t: any) => t.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, newestFirst);

      const asc = await server.request('thread/list', { sortDirection: 'asc' });
      assert.deepEqual(asc.data.map((t: any) => t.id), ids);

      const second = await server.request('thread/list', { limit: 2, cursor: (await server.request('thread/list', { limit: 2 })).nextCursor });
      const back = await server.request('thread/list', { sortDirection: 'asc', cursor: second.backwardsCursor, limit: 3 });
      assert.deepEqual(back.data.map((t: any) => t.id), [newestFirst[2], newestFirst[1], newestFirst[0]]);
      await rejects(server.request('thread/list', { cursor: 'garbage' }), -32602, /cursor/);
    });

    it('filters by cwd, searchTerm, provider, source kind and exclusions', async () => {
      const other = makeTempDir('thread-other-cwd-');
      const a = await namedThread('Refactor parser');
      const b = await namedThread('Write docs', other);
      const c = createStoredThread(codexHome, { cwd: other, turns: [{ user: 'explain the PARSER module', agent: 'sure' }] }).id;
      const ids = (result: any) => result.data.map((t: any) => t.id).sort();
      // The stored thread was written behind the running server's back; a restart picks it up.
      await server.stop();
      server = await AppServerProcess.start('ours', { codexHome });

      assert.deepEqual(ids(await server.request('thread/list', { cwd: other })), [b, c].sort());
      assert.deepEqual(ids(await server.request('thread/list', { cwd: [codexHome, other] })), [a, b, c].sort());
      assert.deepEqual(ids(await server.request('thread/list', { searchTerm: 'parser' })), [a, c].sort());
      assert.deepEqual(ids(await server.request('thread/list', { modelProviders: ['mock'] })), [a, b, c].sort());
      assert.deepEqual(ids(await server.request('thread/list', { modelProviders: ['openai'] })), []);
      assert.deepEqual(ids(await server.request('thread/list', { sourceKinds: ['exec'] })), []);
      assert.deepEqual(ids(await server.request('thread/list', { excludedThreadIds: [a] })), [b, c].sort());
      await rejects(server.request('thread/list', { excludedThreadIds: ['nope'] }), -32602, /excludedThreadIds/);
      await rejects(server.request('thread/list', { limit: 0 }), -32602, /limit/);
      const withPreview = (await server.request('thread/list', { searchTerm: 'PARSER module' })).data[0];
      assert.equal(withPreview.preview, 'explain the PARSER module');
    });

    it('sorts by updated_at', async function () {
      const older = await namedThread('older');
      const newer = await namedThread('newer');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await server.request('thread/name/set', { threadId: older, name: 'older, touched later' });
      const byCreated = await server.request('thread/list', {});
      assert.deepEqual(byCreated.data.map((t: any) => t.id), [newer, older]);
      const byUpdated = await server.request('thread/list', { sortKey: 'updated_at' });
      assert.deepEqual(byUpdated.data.map((t: any) => t.id), [older, newer]);
    });
  });

  describe('thread/read and thread/turns/list', () => {
    it('reads stored turns with items, and pages turns both ways with each items view', async () => {
      const stored = createStoredThread(codexHome, {
        cwd: codexHome,
        turns: [
          { user: 'one', agent: 'first answer', items: [{ type: 'reasoning', id: 'r1', summary: ['thinking'], content: [] }] },
          { user: 'two', agent: 'second answer' },
          { user: 'three', agent: 'third answer', status: 'interrupted' },
        ],
      });
      const meta = await server.request('thread/read', { threadId: stored.id });
      assert.deepEqual(meta.thread.turns, []);
      assert.equal(meta.thread.preview, 'one');
      const full = await server.request('thread/read', { threadId: stored.id, includeTurns: true });
      assert.deepEqual(full.thread.turns.map((t: any) => t.id), stored.turnIds);
      assert.deepEqual(full.thread.turns.map((t: any) => t.status), ['completed', 'completed', 'interrupted']);
      assert.deepEqual(full.thread.turns[0].items.map((i: any) => i.type), ['userMessage', 'reasoning', 'agentMessage']);

      const page1 = await server.request('thread/turns/list', { threadId: stored.id, limit: 2 });
      assert.deepEqual(page1.data.map((t: any) => t.id), [stored.turnIds[2], stored.turnIds[1]]);
      assert.equal(page1.data[0].itemsView, 'summary');
      const page2 = await server.request('thread/turns/list', { threadId: stored.id, limit: 2, cursor: page1.nextCursor });
      assert.deepEqual(page2.data.map((t: any) => t.id), [stored.turnIds[0]]);
      assert.equal(page2.nextCursor, null);
      assert.deepEqual(page2.data[0].items.map((i: any) => i.type), ['userMessage', 'agentMessage'], 'summary view keeps the conversation');
      const fullView = await server.request('thread/turns/list', { threadId: stored.id, sortDirection: 'asc', itemsView: 'full', limit: 1 });
      assert.deepEqual(fullView.data[0].items.map((i: any) => i.type), ['userMessage', 'reasoning', 'agentMessage']);
      const none = await server.request('thread/turns/list', { threadId: stored.id, itemsView: 'notLoaded' });
      assert.ok(none.data.every((t: any) => t.items.length === 0 && t.itemsView === 'notLoaded'));
      const back = await server.request('thread/turns/list', { threadId: stored.id, sortDirection: 'asc', cursor: page2.backwardsCursor });
      assert.deepEqual(back.data.map((t: any) => t.id), stored.turnIds);
    });
  });

  describe('thread/resume, thread/fork, thread/loaded/list, thread/unsubscribe', () => {
    it('resumes a stored thread with its turns, then replays its usage and goal state', async () => {
      const stored = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'hello', agent: 'hi there' }], name: 'Kept' });
      const before = (await server.request('thread/loaded/list', {})).data;
      assert.deepEqual(before, []);
      const resumed = await server.request('thread/resume', { threadId: stored.id });
      assert.equal(resumed.thread.id, stored.id);
      assert.equal(resumed.thread.name, 'Kept');
      assert.deepEqual(resumed.thread.status, { type: 'idle' });
      assert.equal(resumed.model, 'mock-model');
      assert.deepEqual(resumed.thread.turns.map((t: any) => t.id), stored.turnIds);
      const slim = await server.request('thread/resume', { threadId: stored.id, excludeTurns: true });
      assert.deepEqual(slim.thread.turns, []);
      assert.deepEqual((await server.request('thread/loaded/list', {})).data, [stored.id]);
      await settle(() => server.methods().length >= 5);
      // Like the reference: idle once loaded (first resume only), then usage and goal state after each response.
      assert.deepEqual(server.methods(), [
        'thread/status/changed',
        'thread/tokenUsage/updated',
        'thread/goal/cleared',
        'thread/tokenUsage/updated',
        'thread/goal/cleared',
      ]);
      const usage = server.notifications.find((n) => n.method === 'thread/tokenUsage/updated')!;
      assert.equal(usage.params.turnId, stored.turnIds[0]);
      assert.equal(usage.params.tokenUsage.total.totalTokens, 30);
    });

    it('resumes by path and applies overrides that persist', async () => {
      const stored = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'a', agent: 'b' }] });
      const resumed = await server.request('thread/resume', { threadId: stored.id, path: stored.path, model: 'model-b' });
      assert.equal(resumed.model, 'model-b');
      await server.stop();
      server = await AppServerProcess.start('ours', { codexHome });
      const again = await server.request('thread/resume', { threadId: stored.id });
      assert.equal(again.model, 'model-b', 'the override was recorded in the rollout');
      const notes = path.join(codexHome, 'notes.jsonl');
      fs.copyFileSync(stored.path, notes);
      await rejects(server.request('thread/resume', { threadId: stored.id, path: notes }), -32600, /is running from/);
      await rejects(server.request('thread/fork', { threadId: stored.id, path: notes }), -32602, /path: not a rollout file name/);
    });

    it('resumes from a given model history into a new persisted thread', async () => {
      const history = [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'earlier question' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'earlier answer' }] },
      ];
      const resumed = await server.request('thread/resume', { threadId: '019a0000-0000-7000-8000-000000000000', history, cwd: codexHome });
      assert.ok(isUuidV7(resumed.thread.id));
      const written = fs
        .readFileSync(resumed.thread.path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => l.type === 'response_item')
        .map((l) => l.payload);
      assert.deepEqual(written, history);
      await rejects(server.request('thread/resume', { threadId: 'x', history: [{ role: 'user' }] }), -32602, /history/);
    });

    it('forks a thread (whole or through lastTurnId) with forkedFromId and its own rollout and history', async () => {
      const stored = createStoredThread(codexHome, {
        cwd: codexHome,
        turns: [
          { user: 'first', agent: 'one' },
          { user: 'second', agent: 'two' },
        ],
        name: 'Origin',
      });
      const fork = await server.request('thread/fork', { threadId: stored.id });
      assert.ok(isUuidV7(fork.thread.id));
      assert.notEqual(fork.thread.id, stored.id);
      assert.equal(fork.thread.forkedFromId, stored.id);
      assert.equal(fork.thread.name, 'Origin');
      assert.deepEqual(fork.thread.turns.map((t: any) => t.id), stored.turnIds);
      const started = await server.waitFor('thread/started', (p) => p.thread.id === fork.thread.id);
      assert.equal(started.params.thread.forkedFromId, stored.id);
      const forkLines = fs.readFileSync(fork.thread.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(forkLines[0].type, 'session_meta');
      assert.equal(forkLines[0].payload.forked_from_id, stored.id);
      const history = forkLines.filter((l) => l.type === 'response_item').map((l) => l.payload);
      assert.deepEqual(history, stored.history, 'the model history is copied, so the fork continues the conversation');

      const partial = await server.request('thread/fork', { threadId: stored.id, lastTurnId: stored.turnIds[0] });
      assert.deepEqual(partial.thread.turns.map((t: any) => t.id), [stored.turnIds[0]]);
      const partialHistory = fs
        .readFileSync(partial.thread.path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => l.type === 'response_item');
      assert.equal(partialHistory.length, 2);
      await rejects(server.request('thread/fork', { threadId: stored.id, lastTurnId: 'nope' }), -32600, /turn not found/);

      const listed = await server.request('thread/list', {});
      assert.equal(listed.data.length, 3);
    });

    it('pages thread/loaded/list and reports unsubscribe states', async () => {
      const a = (await server.request('thread/start', { cwd: codexHome })).thread.id;
      const b = (await server.request('thread/start', { cwd: codexHome })).thread.id;
      const first = await server.request('thread/loaded/list', { limit: 1 });
      assert.equal(first.data.length, 1);
      const second = await server.request('thread/loaded/list', { limit: 1, cursor: first.nextCursor });
      assert.deepEqual([...first.data, ...second.data].sort(), [a, b].sort());
      assert.equal(second.nextCursor, null);
      assert.deepEqual(await server.request('thread/unsubscribe', { threadId: a }), { status: 'unsubscribed' });
      assert.deepEqual(await server.request('thread/unsubscribe', { threadId: a }), { status: 'notSubscribed' });
      assert.deepEqual(await server.request('thread/unsubscribe', { threadId: '019a0000-0000-7000-8000-000000000000' }), { status: 'notLoaded' });
    });
  });

  describe('thread/archive and thread/unarchive', () => {
    it('moves the rollout to archived_sessions and back, notifying both ways', async () => {
      const id = await namedThread('To archive');
      const original = (await server.request('thread/read', { threadId: id })).thread.path;
      assert.deepEqual(await server.request('thread/archive', { threadId: id }), {});
      const archivedPath = path.join(codexHome, 'archived_sessions', path.basename(original));
      assert.equal(fs.existsSync(original), false);
      assert.equal(fs.existsSync(archivedPath), true);
      await server.waitFor('thread/archived', (p) => p.threadId === id);
      const status = await server.waitFor('thread/status/changed', (p) => p.threadId === id && p.status.type !== 'idle');
      assert.deepEqual(status.params.status, { type: 'notLoaded' });
      assert.deepEqual((await server.request('thread/list', {})).data, []);
      const archivedList = await server.request('thread/list', { archived: true });
      assert.equal(archivedList.data[0].path, archivedPath);
      await rejects(server.request('thread/archive', { threadId: id }), -32600, /already archived/);

      const restored = await server.request('thread/unarchive', { threadId: id });
      assert.equal(restored.thread.path, original);
      assert.equal(fs.existsSync(original), true);
      assert.equal(fs.existsSync(archivedPath), false);
      await server.waitFor('thread/unarchived', (p) => p.threadId === id);
      assert.equal((await server.request('thread/list', {})).data[0].id, id);
      await rejects(server.request('thread/unarchive', { threadId: id }), -32600, /not archived/);

      // Survives a restart in both places.
      await server.request('thread/archive', { threadId: id });
      await server.stop();
      server = await AppServerProcess.start('ours', { codexHome });
      assert.equal((await server.request('thread/list', { archived: true })).data[0].id, id);
    });
  });
});
