import assert from 'node:assert/strict';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';

describe('scripted model fixture', () => {
  let model: ScriptedModel;
  beforeEach(async () => {
    model = await new ScriptedModel().start();
  });
  afterEach(async () => {
    await model.stop();
  });

  it('drives the reference codex app-server through a streamed text reply', async function () {
    this.timeout(60000);
    const codexHome = makeTempDir('codex-home-');
    model.writeConfig(codexHome);
    model.enqueue(reply.text('Hello from the scripted model.'));
    const server = await AppServerProcess.start('reference', { codexHome });
    try {
      const { thread } = await server.request('thread/start', { cwd: codexHome });
      await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
      const completed = await server.waitFor('turn/completed', undefined, 40000);
      assert.equal(completed.params.turn.status, 'completed');
      const deltas = server.notifications.filter((n) => n.method === 'item/agentMessage/delta').map((n) => n.params.delta);
      assert.equal(deltas.join(''), 'Hello from the scripted model.');
      assert.ok(deltas.length > 1, 'the reply streamed in several deltas');
      assert.equal(model.modelRequests.length, 1);
      const body = model.modelRequests[0].body;
      assert.equal(body.model, 'mock-model');
      assert.equal(body.stream, true);
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
    }
  });
});
