/**
 * `thread/items/list` paging on our server and the reference, on the same
 * thread shape: newest-first pages with cursors, the reverse cursor, a single
 * turn, item anchors, bad input, and a thread that is not loaded.
 */
import assert from 'node:assert/strict';
import { AppServerProcess, RpcResponseError, type Which } from '../helpers/appServerProcess';
import { reply } from '../helpers/scriptedModel';
import { runTurn, startFixture, stopStartedFixtures } from './turnHelpers';

/** One page as comparable text: `turn#:type:text` per item, and which cursors came back. */
function describePage(page: any, turnIds: string[]) {
  return {
    items: page.data.map((entry: any) => `${turnIds.indexOf(entry.turnId)}:${entry.item.type}:${entry.item.text ?? entry.item.content?.[0]?.text ?? ''}`),
    times: page.data.every((entry: any) => typeof entry.startedAtMs === 'number' && typeof entry.completedAtMs === 'number'),
    next: page.nextCursor !== null,
    back: page.backwardsCursor !== null,
  };
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: RpcResponseError) => error.code,
  );

describe('thread/items/list (ours and the reference)', function () {
  this.timeout(120000);
  afterEach(stopStartedFixtures);
  const observed: Partial<Record<Which, unknown>> = {};

  for (const which of ['reference', 'ours'] as const) {
    it(`pages a thread's items newest first, goes back with the reverse cursor, and lists one turn (${which})`, async () => {
      const fixture = await startFixture(which, [reply.text('a1'), reply.text('a2'), reply.text('a3')]);
      for (const text of ['u1', 'u2', 'u3']) await runTurn(fixture, text);
      const { server, threadId } = fixture;
      const { thread } = await server.request('thread/read', { threadId, includeTurns: true });
      const turnIds: string[] = thread.turns.map((t: any) => t.id);
      const list = (params: object) => server.request('thread/items/list', { threadId, ...params });

      const first = await list({ limit: 4, sortDirection: 'desc' });
      const second = await list({ limit: 4, sortDirection: 'desc', cursor: first.nextCursor });
      const reversed = await list({ limit: 4, sortDirection: 'asc', cursor: second.backwardsCursor });
      const all = await list({});
      const oneTurn = await list({ turnId: turnIds[1] });
      const anchored = await list({ turnId: turnIds[1], sortDirection: 'desc', cursor: { type: 'item', itemId: thread.turns[1].items[1].id } });
      const unknownTurn = await list({ turnId: 'no-such-turn' });
      const pages = [first, second, reversed, all, oneTurn, anchored, unknownTurn].map((page) => describePage(page, turnIds));
      assert.deepEqual(pages[0].items, ['2:agentMessage:a3', '2:userMessage:u3', '1:agentMessage:a2', '1:userMessage:u2']);
      assert.deepEqual(pages[1], { items: ['0:agentMessage:a1', '0:userMessage:u1'], times: true, next: false, back: true });
      assert.deepEqual(pages[2].items, ['0:agentMessage:a1', '1:userMessage:u2', '1:agentMessage:a2', '2:userMessage:u3'], 'the reverse cursor includes the item it names');
      assert.equal(pages[3].items.length, 6);
      assert.deepEqual(pages[5].items, ['1:userMessage:u2']);

      const errors = {
        anchorWithoutTurn: await errorOf(list({ cursor: { type: 'item', itemId: thread.turns[1].items[1].id } })),
        badCursor: await errorOf(list({ cursor: 'garbage' })),
      };
      assert.deepEqual(errors, { anchorWithoutTurn: -32602, badCursor: -32600 });

      // Not loaded: after a restart, the pages come from the rollout.
      await server.stop();
      fixture.server = await AppServerProcess.start(which, { codexHome: fixture.codexHome, cwd: fixture.cwd });
      const stored = describePage(await fixture.server.request('thread/items/list', { threadId, limit: 3, sortDirection: 'desc' }), turnIds);
      assert.deepEqual(stored.items, ['2:agentMessage:a3', '2:userMessage:u3', '1:agentMessage:a2']);
      observed[which] = { pages, errors, stored };
      assert.deepEqual([...server.violations, ...fixture.server.violations], []);
    });
  }

  it('ours pages exactly like the reference', function () {
    if (!observed.ours || !observed.reference) this.skip();
    assert.deepEqual(observed.ours, observed.reference);
  });
});
