/**
 * Persistence: a restarted server lists and reads what it stored; a `kill -9`
 * loses at most the line in flight; corrupt or truncated lines are skipped
 * with a warning; rollouts written by the reference Codex CLI are listed and
 * read too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { REPO_ROOT } from '../helpers/protocolSchema';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { createStoredThread } from './threadFixtures';

const jsonLines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');

function parsesAsJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

describe('thread persistence', function () {
  this.timeout(90000);
  let codexHome: string;
  let server: AppServerProcess | undefined;

  beforeEach(() => {
    codexHome = makeTempDir('persist-');
  });
  afterEach(async () => {
    await server?.stop();
    if (server) assert.deepEqual(server.violations, []);
    server = undefined;
  });

  it('a restarted server lists and reads every thread it persisted, including index-less starts', async () => {
    server = await AppServerProcess.start('ours', { codexHome });
    const named: string[] = [];
    for (let i = 0; i < 3; i++) {
      const stored = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: `question ${i}`, agent: 'answer' }] });
      await server.request('thread/resume', { threadId: stored.id, path: stored.path });
      await server.request('thread/name/set', { threadId: stored.id, name: `persisted ${i}` });
      named.push(stored.id);
    }
    await server.stop();
    const withTurns = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'remember me', agent: 'I will' }] });

    server = await AppServerProcess.start('ours', { codexHome });
    const listed = await server.request('thread/list', {});
    assert.deepEqual(listed.data.map((t: any) => t.id).sort(), [...named, withTurns.id].sort());
    const read = await server.request('thread/read', { threadId: withTurns.id, includeTurns: true });
    assert.deepEqual(read.thread.turns[0].items.map((i: any) => i.type), ['userMessage', 'agentMessage']);
    assert.equal(read.thread.turns[0].items[1].text, 'I will');
    await server.stop();

    // Without the index file the server rebuilds it by scanning.
    fs.rmSync(path.join(codexHome, 'vscode_thread_index.jsonl'));
    server = await AppServerProcess.start('ours', { codexHome });
    const rebuilt = await server.request('thread/list', {});
    assert.equal(rebuilt.data.length, 4);
    assert.ok(fs.existsSync(path.join(codexHome, 'vscode_thread_index.jsonl')));
    const names = rebuilt.data.map((t: any) => t.name).filter(Boolean).sort();
    assert.deepEqual(names, ['persisted 0', 'persisted 1', 'persisted 2']);
  });

  it('after a restart, resume restores the model context of real turns (scripted model)', async () => {
    const model = await new ScriptedModel().start();
    try {
      model.writeConfig(codexHome);
      model.enqueue(reply.text('Noted, the word is PAPAYA.'));
      server = await AppServerProcess.start('ours', { codexHome });
      const { thread } = await server.request('thread/start', { cwd: codexHome });
      await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'remember the word PAPAYA', text_elements: [] }] });
      await server.waitFor('turn/completed', undefined, 40000);
      await server.request('thread/name/set', { threadId: thread.id, name: 'Fruit' });
      await server.stop();

      server = await AppServerProcess.start('ours', { codexHome });
      const listed = await server.request('thread/list', {});
      assert.deepEqual(listed.data.map((t: any) => [t.id, t.name, t.preview]), [[thread.id, 'Fruit', 'remember the word PAPAYA']]);
      const resumed = await server.request('thread/resume', { threadId: thread.id });
      assert.equal(resumed.thread.turns.length, 1);
      assert.deepEqual(resumed.thread.turns[0].items.map((i: any) => i.type).filter((t: string) => t !== 'reasoning'), ['userMessage', 'agentMessage']);
      model.enqueue(reply.text('PAPAYA'));
      await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'what was the word?', text_elements: [] }] });
      await server.waitFor('turn/completed', undefined, 40000);
      const lastBody = JSON.stringify(model.modelRequests[model.modelRequests.length - 1].body);
      assert.ok(lastBody.includes('remember the word PAPAYA'), 'the earlier user message is sent again');
      assert.ok(lastBody.includes('Noted, the word is PAPAYA.'), 'the earlier answer is sent again');
    } finally {
      await model.stop();
    }
  });

  it('sees rollouts changed or removed behind its back after a restart (stale index)', async () => {
    const a = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'first', agent: 'a' }] });
    const b = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'second', agent: 'b' }] });
    server = await AppServerProcess.start('ours', { codexHome });
    assert.equal((await server.request('thread/list', {})).data.length, 2);
    await server.stop();
    fs.rmSync(a.path);
    fs.appendFileSync(b.path, JSON.stringify({ timestamp: new Date().toISOString(), type: 'event_msg', payload: { type: 'thread_name_updated', thread_name: 'edited elsewhere' } }) + '\n');
    server = await AppServerProcess.start('ours', { codexHome });
    const listed = await server.request('thread/list', {});
    assert.deepEqual(listed.data.map((t: any) => [t.id, t.name]), [[b.id, 'edited elsewhere']]);
  });

  it('two servers on one CODEX_HOME (two windows) see each other\'s threads, archives and CLI sessions', async () => {
    const model = await new ScriptedModel().start();
    model.writeConfig(codexHome);
    const other = await AppServerProcess.start('ours', { codexHome });
    server = await AppServerProcess.start('ours', { codexHome });
    try {
      assert.deepEqual((await server.request('thread/list', {})).data, []);
      // The other window runs a turn: its thread shows up here without a restart.
      model.enqueue(reply.text('ok'));
      const { thread } = await other.request('thread/start', { cwd: codexHome });
      await other.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'from window two', text_elements: [] }] });
      await other.waitFor('turn/completed', undefined, 40000);
      await other.request('thread/name/set', { threadId: thread.id, name: 'Window two' });
      const listed = await server.request('thread/list', {});
      assert.deepEqual(listed.data.map((t: any) => [t.id, t.name]), [[thread.id, 'Window two']]);
      // The other window archives it: listing and reading here follow.
      await other.request('thread/archive', { threadId: thread.id });
      assert.deepEqual((await server.request('thread/list', {})).data, []);
      assert.equal((await server.request('thread/list', { archived: true })).data[0].id, thread.id);
      const read = await server.request('thread/read', { threadId: thread.id, includeTurns: true });
      assert.equal(read.thread.turns.length, 1);
      // A rollout dropped into today's folder by another program (the Codex CLI) appears too.
      const cli = createStoredThread(makeTempDir('cli-home-'), { cwd: codexHome, turns: [{ user: 'from the CLI', agent: 'hi' }] });
      const target = path.join(codexHome, 'sessions', ...path.dirname(cli.path).split(path.sep).slice(-3), path.basename(cli.path));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(cli.path, target);
      const withCli = await server.request('thread/list', {});
      assert.deepEqual(withCli.data.map((t: any) => t.preview), ['from the CLI']);
      assert.deepEqual(other.violations, []);
    } finally {
      await other.stop();
      await model.stop();
    }
  });

  it('compacts the append-only index on restart once superseded entries pile up', async () => {
    const stored = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'q', agent: 'a' }] });
    server = await AppServerProcess.start('ours', { codexHome });
    const { thread } = await server.request('thread/resume', { threadId: stored.id });
    for (let i = 0; i < 150; i++) await server.request('thread/name/set', { threadId: thread.id, name: `name ${i}` });
    const indexFile = path.join(codexHome, 'vscode_thread_index.jsonl');
    assert.ok(jsonLines(indexFile).length >= 150, 'every change appended an entry');
    await server.stop();
    server = await AppServerProcess.start('ours', { codexHome });
    const listed = await server.request('thread/list', {});
    assert.equal(listed.data[0].name, 'name 149');
    assert.equal(jsonLines(indexFile).length, 1, 'one entry per thread after compaction');
  });

  it('kill -9 of the server right after a write keeps the thread', async () => {
    const stored = createStoredThread(codexHome, { cwd: codexHome, turns: [{ user: 'q', agent: 'a' }] });
    server = await AppServerProcess.start('ours', { codexHome });
    const { thread } = await server.request('thread/resume', { threadId: stored.id });
    await server.request('thread/name/set', { threadId: thread.id, name: 'survives kill' });
    server.child.kill('SIGKILL');
    await server.exited;
    server = await AppServerProcess.start('ours', { codexHome });
    const read = await server.request('thread/read', { threadId: thread.id });
    assert.equal(read.thread.name, 'survives kill');
  });

  it('kill -9 of the server in the middle of a streaming turn keeps every completed item', async () => {
    const model = await new ScriptedModel().start();
    try {
      model.writeConfig(codexHome);
      model.enqueue(reply.text('first reply'), { items: [{ type: 'message', text: 'a slow answer that never finishes' }], eventDelayMs: 300 });
      server = await AppServerProcess.start('ours', { codexHome });
      const { thread } = await server.request('thread/start', { cwd: codexHome });
      await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'first', text_elements: [] }] });
      await server.waitFor('turn/completed', undefined, 40000);
      const second = await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'second', text_elements: [] }] });
      await server.waitFor('item/agentMessage/delta', (p) => p.turnId === second.turn.id, 40000);
      server.child.kill('SIGKILL');
      await server.exited;

      server = await AppServerProcess.start('ours', { codexHome });
      const read = await server.request('thread/read', { threadId: thread.id, includeTurns: true });
      const [done, cut] = read.thread.turns;
      assert.equal(done.status, 'completed');
      assert.deepEqual(done.items.map((i: any) => i.type).filter((t: string) => t !== 'reasoning'), ['userMessage', 'agentMessage']);
      assert.equal(cut.status, 'interrupted', 'the turn the kill cut short');
      assert.deepEqual(cut.items.map((i: any) => i.type), ['userMessage'], 'its completed user message survived; the streaming answer was in flight');
      assert.equal(read.thread.preview, 'first');
    } finally {
      await model.stop();
    }
  });

  it('kill -9 while a writer streams items loses at most the line in flight', async () => {
    // A child process drives the real LoadedThread API in a tight loop with large
    // items, and is killed without warning part-way through.
    const script = path.join(codexHome, 'writer.ts');
    fs.writeFileSync(
      script,
      `import { createStoredThread } from ${JSON.stringify(path.join(REPO_ROOT, 'test/server/threadFixtures.ts'))};
const big = 'x'.repeat(256 * 1024);
let n = 0;
for (;;) {
  createStoredThread(process.argv[2], { cwd: process.argv[2], turns: [{ user: 'turn ' + n + ' ' + big, agent: big }, { user: 'more', agent: big }] });
  if (++n === 1) process.stdout.write('ready\\n');
}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script, codexHome], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', () => reject(new Error('writer exited early')));
    });
    // Kill it at an arbitrary point once it has written a few rollouts (how long that takes depends on the load).
    const rolloutFiles = () => fs.readdirSync(path.join(codexHome, 'sessions'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const deadline = Date.now() + 30000;
    while (rolloutFiles().length < 3) {
      if (Date.now() > deadline) throw new Error(`the writer produced only ${rolloutFiles().length} rollouts in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const files = rolloutFiles();
    assert.ok(files.length >= 2, `the writer produced several rollouts (${files.length})`);
    let tornLines = 0;
    for (const entry of files) {
      const lines = jsonLines(path.join(entry.parentPath, entry.name));
      const bad = lines.filter((line) => !parsesAsJson(line));
      assert.ok(bad.length <= 1, 'at most one torn line per file');
      if (bad.length) {
        assert.equal(lines.indexOf(bad[0]), lines.length - 1, 'only the last line can be torn');
        tornLines++;
      }
    }
    assert.ok(tornLines <= 1, 'only the file being written when killed can be torn');

    server = await AppServerProcess.start('ours', { codexHome });
    const listed: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await server.request('thread/list', { limit: 100, cursor });
      listed.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    // A rollout is listed once its first line (the session header with the thread id) is whole; the kill
    // can land between creating the file being written and finishing that line, and only there.
    const headerless = files
      .map((entry) => path.join(entry.parentPath, entry.name))
      .filter((file) => {
        const first = jsonLines(file)[0];
        return first === undefined || !parsesAsJson(first);
      });
    const describeFile = (file: string) => `${path.basename(file)} (${fs.statSync(file).size} bytes): ${fs.readFileSync(file, 'utf8').slice(0, 120)}`;
    assert.ok(headerless.length <= 1, `only the file being written when killed can lack its header: ${headerless.map(describeFile).join('; ')}`);
    const listedPaths = new Set(listed.map((thread) => thread.path));
    const unlisted = files.map((entry) => path.join(entry.parentPath, entry.name)).filter((file) => !listedPaths.has(file) && !headerless.includes(file));
    assert.deepEqual(unlisted.map(describeFile), [], 'every rollout with its header, even one cut short, is listed');
    assert.equal(listed.length, files.length - headerless.length);
    for (const thread of listed) {
      const read = await server.request('thread/read', { threadId: thread.id, includeTurns: true });
      assert.ok(read.thread.turns.length >= 1);
      for (const turn of read.thread.turns) assert.notEqual(turn.status, 'inProgress', 'a turn cut short is reported interrupted');
    }
    // The last thread (possibly torn) can be resumed and written again; new lines start cleanly.
    const newest = listed[0];
    await server.request('thread/resume', { threadId: newest.id });
    await server.request('thread/name/set', { threadId: newest.id, name: 'after the crash' });
    const lines = jsonLines(newest.path);
    assert.ok(parsesAsJson(lines[lines.length - 1]), 'the line appended after a torn tail is intact');
    assert.equal((await server.request('thread/read', { threadId: newest.id })).thread.name, 'after the crash');
  });

  it('skips corrupt and truncated lines with a warning, never breaking list or read', async () => {
    const stored = createStoredThread(codexHome, {
      cwd: codexHome,
      turns: [
        { user: 'good one', agent: 'ok' },
        { user: 'good two', agent: 'fine' },
      ],
      name: 'Damaged',
    });
    const lines = jsonLines(stored.path);
    // Garbage in the middle, a line without envelope, and a torn last line.
    lines.splice(3, 0, '{"timestamp": "2025-01-01T00:00:00Z", "type": "event_msg", "payl', 'not json', '{"no":"envelope"}');
    fs.writeFileSync(stored.path, lines.join('\n') + '\n{"timestamp":"2025-01-01T00:00:00Z","type":"event_msg","payload":{"type":"thread_item_com');
    // An empty rollout and a file that is not a rollout at all.
    const day = path.dirname(stored.path);
    fs.writeFileSync(path.join(day, 'rollout-2025-01-01T00-00-00-019a0000-0000-7000-8000-000000000001.jsonl'), '');
    fs.writeFileSync(path.join(day, 'rollout-2025-01-01T00-00-00-019a0000-0000-7000-8000-000000000002.jsonl'), 'garbage\n');

    server = await AppServerProcess.start('ours', { codexHome });
    const listed = await server.request('thread/list', {});
    assert.deepEqual(listed.data.map((t: any) => t.id), [stored.id]);
    assert.equal(listed.data[0].name, 'Damaged');
    const read = await server.request('thread/read', { threadId: stored.id, includeTurns: true });
    assert.equal(read.thread.turns.length, 2);
    assert.deepEqual(read.thread.turns[1].items.map((i: any) => i.type), ['userMessage', 'agentMessage']);
    const warnings = server.stderrLines.filter((line) => /WARN/.test(line) && /corrupt line|without type\/payload/.test(line));
    assert.ok(warnings.length >= 3, `warnings name the skipped lines:\n${server.stderrLines.join('\n')}`);
    assert.ok(warnings.some((w) => w.includes(stored.path)));
    const resumed = await server.request('thread/resume', { threadId: stored.id });
    assert.equal(resumed.thread.turns.length, 2);
  });

  it('lists, reads and resumes sessions written by the reference Codex CLI', async () => {
    const model = await new ScriptedModel().start();
    try {
      model.writeConfig(codexHome);
      model.enqueue(reply.text('Reference says hello.'));
      const reference = await AppServerProcess.start('reference', { codexHome });
      let threadId: string;
      try {
        const { thread } = await reference.request('thread/start', { cwd: codexHome });
        threadId = thread.id;
        await reference.request('turn/start', { threadId, input: [{ type: 'text', text: 'hello reference', text_elements: [] }] });
        await reference.waitFor('turn/completed', undefined, 40000);
        await reference.request('thread/name/set', { threadId, name: 'From the CLI' });
      } finally {
        await reference.stop();
      }

      server = await AppServerProcess.start('ours', { codexHome });
      const listed = await server.request('thread/list', {});
      const entry = listed.data.find((t: any) => t.id === threadId);
      assert.ok(entry, 'the reference session is listed');
      assert.equal(entry.preview, 'hello reference');
      assert.equal(entry.name, 'From the CLI');
      assert.equal(entry.modelProvider, 'mock');
      const read = await server.request('thread/read', { threadId, includeTurns: true });
      assert.equal(read.thread.turns.length, 1);
      const items = read.thread.turns[0].items;
      assert.deepEqual(items.map((i: any) => i.type), ['userMessage', 'agentMessage']);
      assert.equal(items[1].text, 'Reference says hello.');
      assert.equal(read.thread.turns[0].status, 'completed');
      const resumed = await server.request('thread/resume', { threadId });
      assert.equal(resumed.model, 'mock-model');
      assert.deepEqual(resumed.sandbox, { type: 'dangerFullAccess' });
    } finally {
      await model.stop();
    }
  });
});
