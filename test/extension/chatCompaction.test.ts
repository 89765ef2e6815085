/**
 * The chat against both servers: /compact, the quiet "Context compacted"
 * line (also after a new window restores the thread), and the context meter
 * under the composer with its tooltip.
 */
import assert from 'node:assert/strict';
import { makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ensureWebviewBundle } from '../webview/harness';
import { composerSend, entriesOfKind, startRig, waitUntil, type Rig } from './chatRig';

describe('chat: /compact and the context meter (ours and the reference)', function () {
  this.timeout(90000);
  let model: ScriptedModel;
  let rig: Rig | undefined;
  before(() => ensureWebviewBundle());
  beforeEach(async () => {
    model = await new ScriptedModel().start();
  });
  afterEach(async () => {
    await rig?.dispose();
    rig = undefined;
    await model.stop();
  });

  for (const which of ['reference', 'ours'] as const) {
    it(`shows how much of the window is used, compacts on /compact with one quiet line, and a new window restores both (${which})`, async () => {
      model.enqueue({ ...reply.text('First answer.'), usage: { input_tokens: 1000, output_tokens: 50 } }, { ...reply.text('THE SUMMARY'), usage: { input_tokens: 900, output_tokens: 10 } });
      const codexHome = makeTempDir('codex-chat-home-');
      // A 2,000-token window (1,900 usable): the first reply fills 55% of it.
      model.writeConfig(codexHome, { extra: 'model_context_window = 2000' });
      rig = await startRig(which, model, { codexHome });
      const meter = () => rig!.view.document.querySelector('.context-meter') as HTMLElement;
      assert.ok(meter().hidden, 'no meter before the server reports usage');

      composerSend(rig.view, 'hello');
      await waitUntil(() => !rig!.controller.activeTurnId && /First answer\./.test(rig!.view.transcript().textContent!), 'the first answer');
      await waitUntil(() => !meter().hidden, 'the context meter');
      assert.equal(meter().querySelector('.context-meter-text')!.textContent, '55% of context used');
      assert.match(meter().title, /Context: 1,050 of 1,900 tokens/);
      assert.match(meter().title, /Thread total: 1,050 tokens \(1,000 in, 50 out\)/);

      composerSend(rig.view, '/compact');
      await waitUntil(() => entriesOfKind(rig!.view, 'marker').some((m) => m.textContent === 'Context compacted') && !rig!.controller.activeTurnId, 'the compaction line');
      assert.equal(entriesOfKind(rig.view, 'marker').length, 1, 'one quiet line');
      assert.doesNotMatch(rig.view.transcript().textContent!, /THE SUMMARY/, 'the summary is for the model, not the transcript');
      assert.equal(rig.view.document.querySelector('.notice-error'), null);
      await waitUntil(() => /Thread total: 1,960 tokens/.test(meter().title), 'the meter counts the summary request');
      assert.match(meter().querySelector('.context-meter-text')!.textContent!, /^\d+% of context used$/);

      const threadId = rig.controller.currentThreadId!;
      await rig.dispose();
      rig = await startRig(which, model, { codexHome, saved: threadId });
      await waitUntil(() => /First answer\./.test(rig!.view.transcript().textContent!), 'the restored transcript');
      assert.deepEqual(entriesOfKind(rig.view, 'marker').map((m) => m.textContent), ['Context compacted']);
      if (which === 'ours') await waitUntil(() => !meter().hidden && /Thread total: 1,960 tokens/.test(meter().title), 'the meter after the restore');
      // The reference resumed without turns does not restate the usage of a compacted thread: its meter returns with the next reply.
      // (The reference's estimate of its compacted history exceeds this small window, so it compacts again first: any reply will do.)
      model.fallback = { ...reply.text('Next answer.'), usage: { input_tokens: 300, output_tokens: 10 } };
      composerSend(rig.view, 'next');
      await waitUntil(() => !rig!.controller.activeTurnId && /Next answer\./.test(rig!.view.transcript().textContent!), 'the next answer');
      await waitUntil(() => !meter().hidden && /Context: 310 of 1,900 tokens/.test(meter().title), 'the meter after the next reply');
      assert.equal(meter().querySelector('.context-meter-text')!.textContent, '16% of context used');
    });
  }
});
