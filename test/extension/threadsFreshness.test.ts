/**
 * The Threads view keeps a new thread's title and times current after its
 * turns without a manual refresh: pure model checks with a recording
 * requester, then the same against real app-servers running real turns.
 */
import assert from 'node:assert/strict';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ThreadListModel, threadLabel, type ThreadNode, type ThreadSummary } from '../../extension/threads/threadModel';
import { note } from '../helpers/notifications';

const FOLLOW_UP_MS = 20;

function summary(id: string, extra: Partial<ThreadSummary> = {}): ThreadSummary {
  return { id, name: null, preview: '', createdAt: 1000, updatedAt: 1000, status: { type: 'idle' }, path: `/tmp/${id}.jsonl`, cwd: '/w', ...extra };
}

function userMessageCompleted(threadId: string, text: string) {
  return { threadId, turnId: 'turn-1', item: { type: 'userMessage', id: 'item-1', content: [{ type: 'text', text, text_elements: [] }] } };
}

function labels(nodes: ThreadNode[]): string[] {
  return nodes.flatMap((n) => (n.kind === 'thread' ? [n.label] : n.kind === 'group' || n.kind === 'archivedSection' ? labels(n.children) : []));
}

/** Polls until `predicate` holds, failing after `timeoutMs`. */
function until(predicate: () => boolean, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out waiting for the Threads model'));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

describe('Threads view freshness (pure model)', () => {
  it('shows the first user message as the title at once, and never overwrites an existing preview', async () => {
    const model = new ThreadListModel(async (): Promise<any> => ({ data: [summary('old', { preview: 'kept' })], nextCursor: null }), undefined, { followUpDelayMs: FOLLOW_UP_MS });
    await model.refresh();
    assert.ok(model.applyNotification(...note('thread/started', { thread: summary('new') })));
    assert.equal(threadLabel(model.find('new')!), '(empty thread)');
    assert.ok(model.applyNotification(...note('item/completed', userMessageCompleted('new', 'Say hello'))));
    assert.equal(threadLabel(model.find('new')!), 'Say hello');
    assert.equal(model.applyNotification(...note('item/completed', userMessageCompleted('old', 'second message'))), false);
    assert.equal(model.find('old')!.preview, 'kept');
    assert.equal(model.applyNotification(...note('item/completed', { threadId: 'new', item: { type: 'agentMessage', id: 'a', text: 'hi' } })), false);
    model.dispose();
  });

  it('re-reads a thread once after a burst of finished turns and takes the server\'s fields', async () => {
    const calls: { method: string; params: any }[] = [];
    let changes = 0;
    const model = new ThreadListModel(
      async (method, params: any): Promise<any> => {
        calls.push({ method, params });
        if (method === 'thread/read') return { thread: summary(params.threadId, { preview: 'from server', updatedAt: 2000, name: 'Named later' }) };
        return { data: params.archived ? [] : [summary('t1')], nextCursor: null };
      },
      () => changes++,
      { followUpDelayMs: FOLLOW_UP_MS },
    );
    await model.refresh();
    calls.length = 0;
    model.applyNotification(...note('turn/completed', { threadId: 't1', turn: { id: 'a' } }));
    model.applyNotification(...note('turn/completed', { threadId: 't1', turn: { id: 'b' } }));
    const before = changes;
    await until(() => changes > before);
    assert.deepEqual(calls, [{ method: 'thread/read', params: { threadId: 't1', includeTurns: false } }]);
    assert.equal(model.find('t1')!.updatedAt, 2000);
    assert.deepEqual(labels(model.nodes()), ['Named later']);
    model.dispose();
  });

  it('refreshes the list once when an unlisted thread finishes a turn, and survives a failing re-read', async () => {
    const calls: string[] = [];
    let listed = [summary('t1', { preview: 'first' })];
    const model = new ThreadListModel(
      async (method, params: any): Promise<any> => {
        calls.push(method);
        if (method === 'thread/read') throw new Error('thread not found');
        return { data: params.archived ? [] : listed, nextCursor: null };
      },
      undefined,
      { followUpDelayMs: FOLLOW_UP_MS },
    );
    await model.refresh();
    calls.length = 0;
    listed = [summary('elsewhere', { preview: 'made by another client' }), ...listed];
    model.applyNotification(...note('turn/completed', { threadId: 'elsewhere', turn: { id: 'a' } }));
    model.applyNotification(...note('turn/completed', { threadId: 'elsewhere', turn: { id: 'b' } }));
    await until(() => !!model.find('elsewhere'));
    // Both lists (active and archived) reload once.
    assert.deepEqual(calls, ['thread/list', 'thread/list']);

    calls.length = 0;
    model.applyNotification(...note('turn/completed', { threadId: 't1', turn: { id: 'c' } }));
    await until(() => calls.length > 0);
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_UP_MS));
    assert.deepEqual(calls, ['thread/read']);
    assert.equal(model.find('t1')!.preview, 'first', 'a failed re-read keeps what was shown');
    assert.equal(model.lastError, undefined);
    model.dispose();
  });

  it('dispose cancels pending follow-ups', async () => {
    const calls: string[] = [];
    const model = new ThreadListModel(async (method): Promise<any> => {
      calls.push(method);
      return { data: [summary('t1')], nextCursor: null };
    }, undefined, { followUpDelayMs: FOLLOW_UP_MS });
    await model.refresh();
    calls.length = 0;
    model.applyNotification(...note('turn/completed', { threadId: 't1', turn: { id: 'a' } }));
    model.applyNotification(...note('turn/completed', { threadId: 'unlisted', turn: { id: 'a' } }));
    model.dispose();
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_UP_MS * 5));
    assert.deepEqual(calls, []);
  });
});

/** A `thread/list` requester whose answers the test releases, in any order. */
class ScriptedThreadServer {
  readonly calls: { method: string; params: any; resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  readonly request = (method: string, params?: any): Promise<any> => new Promise((resolve, reject) => this.calls.push({ method, params, resolve, reject }));
  /** Answers every pending `thread/list` call: `active` for the active list, nothing archived. */
  async answerLists(active: ThreadSummary[]): Promise<void> {
    for (const call of this.calls.splice(0)) {
      if (call.method === 'thread/list') call.resolve({ data: call.params.archived ? [] : active, nextCursor: null });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  async failAll(message: string): Promise<void> {
    for (const call of this.calls.splice(0)) call.reject(new Error(message));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function shownRoots(nodes: ThreadNode[]): string[] {
  return nodes.map((n) => (n.kind === 'message' ? `${n.severity ?? 'info'}: ${n.text}` : n.kind === 'retry' ? `retry: ${n.label}` : n.kind === 'group' ? `group ${n.label}` : n.kind));
}

describe('Threads view loading states (pure model)', () => {
  it('waits for the server, loads as soon as it is ready, and says "No threads yet" only after the answer', async () => {
    const server = new ScriptedThreadServer();
    const model = new ThreadListModel(server.request, undefined, { followUpDelayMs: FOLLOW_UP_MS });
    assert.deepEqual(shownRoots(model.nodes()), ['loading: Waiting for the Codex server…']);
    const loading = model.setServerReady(true);
    assert.deepEqual(server.calls.map((c) => c.method), ['thread/list', 'thread/list']);
    assert.deepEqual(shownRoots(model.nodes()), ['loading: Loading threads…']);
    await server.answerLists([]);
    await loading;
    assert.deepEqual(shownRoots(model.nodes()), ['info: No threads yet']);
    model.dispose();
  });

  it('shows a failure with a Retry instead of an empty view, and Retry loads the threads', async () => {
    const server = new ScriptedThreadServer();
    const model = new ThreadListModel(server.request, undefined, { followUpDelayMs: FOLLOW_UP_MS });
    const first = model.setServerReady(true);
    await server.failAll('The Codex server exited.');
    await first;
    assert.deepEqual(shownRoots(model.nodes()), ['error: Could not load threads: The Codex server exited.', 'retry: Retry']);
    const retry = model.refresh();
    assert.deepEqual(shownRoots(model.nodes()), ['error: Could not load threads: The Codex server exited.', 'retry: Retrying…']);
    await server.answerLists([summary('t1', { createdAt: Date.now() / 1000, updatedAt: Date.now() / 1000 })]);
    await retry;
    assert.deepEqual(shownRoots(model.nodes()), ['group Today']);
    model.dispose();
  });

  it('keeps a thread started while the list was in flight, and settles with the server once more', async () => {
    const server = new ScriptedThreadServer();
    const model = new ThreadListModel(server.request, undefined, { followUpDelayMs: FOLLOW_UP_MS });
    const loading = model.setServerReady(true);
    // The server answers with pages computed before these notifications.
    model.applyNotification(...note('thread/started', { thread: summary('new') }));
    model.applyNotification(...note('thread/name/updated', { threadId: 'old', threadName: 'Renamed' }));
    await server.answerLists([summary('old')]);
    await loading;
    assert.ok(model.find('new'), 'the started thread is still listed');
    assert.equal(model.find('old')!.name, 'Renamed');
    await until(() => server.calls.filter((c) => c.method === 'thread/list').length === 2);
    await server.answerLists([summary('new', { name: 'From server' }), summary('old', { name: 'Renamed' })]);
    assert.equal(model.find('new')!.name, 'From server');
    model.dispose();
  });

  it('says the threads could not load when the server cannot start, and loads once it does', async () => {
    const server = new ScriptedThreadServer();
    const model = new ThreadListModel(server.request, undefined, { followUpDelayMs: FOLLOW_UP_MS });
    await model.setServerReady(false, 'The Codex server exited with code 1.');
    assert.deepEqual(shownRoots(model.nodes()), ['error: Could not load threads: The Codex server exited with code 1.', 'retry: Retry']);
    const back = model.setServerReady(true);
    await server.answerLists([]);
    await back;
    assert.deepEqual(shownRoots(model.nodes()), ['info: No threads yet']);
    model.dispose();
  });

  it('re-lists after a server restart: statuses from before the restart do not stay', async () => {
    const server = new ScriptedThreadServer();
    const model = new ThreadListModel(server.request, undefined, { followUpDelayMs: FOLLOW_UP_MS });
    const first = model.setServerReady(true);
    await server.answerLists([summary('t1', { status: { type: 'active', activeFlags: [] } })]);
    await first;
    await model.setServerReady(false);
    assert.equal(server.calls.length, 0, 'nothing is asked while the server is down');
    assert.equal(model.find('t1')!.status.type, 'active', 'the list stays shown meanwhile');
    const again = model.setServerReady(true);
    await server.answerLists([summary('t1', { status: { type: 'notLoaded' } })]);
    await again;
    assert.equal(model.find('t1')!.status.type, 'notLoaded');
    model.dispose();
  });
});

const servers = process.env.CODEX_VIEWS_SERVER ? [process.env.CODEX_VIEWS_SERVER as 'ours' | 'reference'] : (['ours', 'reference'] as const);

for (const which of servers)
  describe(`Threads view freshness against the ${which} server`, function () {
    this.timeout(90_000);
    let scripted: ScriptedModel;
    let server: AppServerProcess;
    let workspace: string;
    let forwarded = 0;

    /** Feeds the model every notification the server sent since the last call, in order, as the view does. */
    function forward(model: ThreadListModel): void {
      for (const message of server.notifications.slice(forwarded)) model.applyNotification(...note(message.method, message.params));
      forwarded = server.notifications.length;
    }

    before(async () => {
      scripted = await new ScriptedModel().start();
      const codexHome = makeTempDir('codex-home-fresh-');
      workspace = makeTempDir('codex-ws-fresh-');
      scripted.writeConfig(codexHome);
      server = await AppServerProcess.start(which, { codexHome, cwd: workspace });
    });

    after(async () => {
      await server?.stop();
      await scripted?.stop();
    });

    it('titles a new thread with its first prompt after the first turn, with no manual refresh', async () => {
      const requests: string[] = [];
      const model = new ThreadListModel(
        (method, params) => {
          requests.push(method);
          return server.request(method, params);
        },
        undefined,
        { followUpDelayMs: FOLLOW_UP_MS },
      );
      await model.refresh();
      forwarded = server.notifications.length;

      const { thread } = await server.request('thread/start', { cwd: workspace });
      await server.waitFor('thread/started', (p) => p.thread.id === thread.id);
      forward(model);
      assert.deepEqual(labels(model.nodes()), ['(empty thread)'], 'thread/started comes before the first message, with no preview');

      scripted.enqueue(reply.text('Hello back.'));
      await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'Say hello', text_elements: [] }] });
      await server.waitFor('turn/completed', (p) => p.threadId === thread.id, 40_000);
      requests.length = 0;
      forward(model);
      assert.deepEqual(labels(model.nodes()), ['Say hello'], 'the first user message titles the thread at once');

      await until(() => requests.includes('thread/read'));
      const stored = (await server.request('thread/read', { threadId: thread.id, includeTurns: false })).thread;
      await until(() => model.find(thread.id)!.updatedAt === stored.updatedAt && model.find(thread.id)!.status.type === stored.status.type);
      assert.equal(model.find(thread.id)!.preview, stored.preview);
      assert.equal(model.find(thread.id)!.status.type, 'idle');
      assert.ok(!requests.includes('thread/list'), 'a listed thread is re-read, not the whole list');
      model.dispose();
      assert.deepEqual(server.violations, []);
    });

    it('lists a thread whose start it never saw once its turn finishes', async () => {
      const model = new ThreadListModel((method, params) => server.request(method, params), undefined, { followUpDelayMs: FOLLOW_UP_MS });
      await model.refresh();
      const { thread } = await server.request('thread/start', { cwd: workspace });
      forwarded = server.notifications.length; // the view was not listening when this thread started
      assert.equal(model.find(thread.id), undefined);

      scripted.enqueue(reply.text('Unseen answer.'));
      await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'Started elsewhere', text_elements: [] }] });
      await server.waitFor('turn/completed', (p) => p.threadId === thread.id, 40_000);
      forward(model);
      await until(() => model.find(thread.id)?.preview === 'Started elsewhere');
      assert.ok(labels(model.nodes()).includes('Started elsewhere'));
      model.dispose();
      assert.deepEqual(server.violations, []);
    });
  });
