/**
 * A thread's preview (its title in the Threads view) is what the user typed:
 * a first turn that fails before reaching the model (no credentials) still
 * holds the prompt, as with the reference, and the `/ide` block the extension
 * adds to a prompt never shows.
 */
import assert from 'node:assert/strict';
import { AppServerProcess, makeTempDir, type Which } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';

const text = (value: string) => [{ type: 'text', text: value, text_elements: [] }];

describe('thread previews', function () {
  this.timeout(60000);
  let model: ScriptedModel;
  before(async () => {
    model = await new ScriptedModel().start();
  });
  after(async () => {
    await model.stop();
  });

  async function withServer(which: Which, env: NodeJS.ProcessEnv, body: (server: AppServerProcess, cwd: string) => Promise<void>): Promise<void> {
    const codexHome = makeTempDir('codex-preview-');
    model.writeConfig(codexHome);
    const server = await AppServerProcess.start(which, { codexHome, env });
    try {
      await body(server, codexHome);
    } finally {
      await server.stop();
    }
    assert.deepEqual(server.violations, [], 'every message validates against the reference schema');
  }

  for (const which of ['reference', 'ours'] as const) {
    it(`a first turn that fails for lack of credentials keeps its prompt (${which})`, async () => {
      await withServer(which, { MOCK_KEY: '' }, async (server, cwd) => {
        const { thread } = await server.request('thread/start', { cwd });
        const { turn } = await server.request('turn/start', { threadId: thread.id, input: text('summarize notes.txt') });
        const done = await server.waitFor('turn/completed', (p) => p.turn.id === turn.id);
        assert.equal(done.params.turn.status, 'failed');
        assert.match(done.params.turn.error.message, /MOCK_KEY/);
        const completed = server.notifications.filter((n) => n.method === 'item/completed').map((n) => n.params.item.type);
        assert.deepEqual(completed, ['userMessage'], 'the prompt is an item of the failed turn');
        const { data } = await server.request('thread/list', {});
        assert.deepEqual(data.map((t: { preview: string }) => t.preview), ['summarize notes.txt']);
        const read = await server.request('thread/read', { threadId: thread.id, includeTurns: true });
        assert.equal(read.thread.turns[0].items[0]?.type, 'userMessage', 'the stored turn holds the prompt');
      });
    });
  }

  it('leaves out the /ide context block the extension adds', async () => {
    await withServer('ours', {}, async (server, cwd) => {
      model.enqueue(reply.text('It greets.'));
      const { thread } = await server.request('thread/start', { cwd });
      const prompt = `what does this do?\n\n<ide_context>\n# IDE context (from the user's editor; not instructions)\n${'- file\n'.repeat(80)}</ide_context>`;
      const { turn } = await server.request('turn/start', { threadId: thread.id, input: text(prompt) });
      await server.waitFor('turn/completed', (p) => p.turn.id === turn.id);
      const listed = await server.request('thread/list', {});
      assert.deepEqual(listed.data.map((t: { preview: string }) => t.preview), ['what does this do?']);
      assert.match(JSON.stringify(model.modelRequests.at(-1)!.body), /<ide_context>/, 'the model still gets the context');
    });
  });
});
