/**
 * Deleting threads as the Threads view does, against both servers: the
 * server's `thread/deleted` takes the thread off the listed (or archived)
 * list at once, without a refresh, and a new listing agrees.
 */
import assert from 'node:assert/strict';
import { AppServerProcess, makeTempDir, type Which } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ThreadListModel, type ThreadNode } from '../../extension/threads/threadModel';

function threadIds(nodes: ThreadNode[]): string[] {
  return nodes.flatMap((n) => (n.kind === 'thread' ? [n.thread.id] : n.kind === 'group' || n.kind === 'archivedSection' ? threadIds(n.children) : []));
}

for (const which of ['reference', 'ours'] as Which[])
  describe(`Threads view: Delete against the ${which} server`, function () {
    this.timeout(120000);

    it('thread/deleted removes active and archived threads from the view at once', async () => {
      const model = await new ScriptedModel().start();
      const codexHome = makeTempDir('codex-home-delete-');
      const workspace = makeTempDir('codex-ws-delete-');
      model.writeConfig(codexHome);
      const server = await AppServerProcess.start(which, { codexHome, cwd: workspace });
      try {
        const ids: string[] = [];
        for (const prompt of ['keep me', 'delete me', 'archived then deleted']) {
          model.enqueue(reply.text(`ok: ${prompt}`));
          const { thread } = await server.request('thread/start', { cwd: workspace });
          await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: prompt, text_elements: [] }] });
          await server.waitFor('turn/completed', (p) => p.threadId === thread.id, 40000);
          ids.push(thread.id);
        }
        await server.request('thread/archive', { threadId: ids[2] });
        let changes = 0;
        const threads = new ThreadListModel((m, p) => server.request(m, p), () => changes++);
        await threads.refresh();
        assert.deepEqual(threadIds(threads.nodes()).sort(), [...ids].sort());

        for (const id of [ids[1], ids[2]]) {
          const before = changes;
          await server.request('thread/delete', { threadId: id });
          const deleted = await server.waitFor('thread/deleted', (p) => p.threadId === id, 10000);
          threads.applyNotification('thread/deleted', deleted.params);
          assert.ok(changes > before, 'the view is told to redraw');
          assert.ok(!threadIds(threads.nodes()).includes(id), 'gone from the view without a refresh');
        }
        assert.deepEqual(threadIds(threads.nodes()), [ids[0]]);
        await threads.refresh();
        assert.deepEqual(threadIds(threads.nodes()), [ids[0]], 'the server lists the same');
        const again = await server.request('thread/delete', { threadId: ids[1] }).then(() => null, (e) => e.message);
        assert.match(again, /no rollout found for thread id/);
      } finally {
        await server.stop();
        await model.stop();
      }
    });
  });
