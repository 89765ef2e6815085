/**
 * Integration: the chat webview (built bundle in jsdom) ⇄ ChatController ⇄
 * CodexClient ⇄ app-server ⇄ scripted model. Only VS Code itself is replaced,
 * by a ChatHost that records commands and attention signals and searches a
 * real temporary workspace.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ChatControllerImpl } from '../../extension/chat/chatController';
import { CodexClient } from '../../extension/client/codexClient';
import { ProcessTransport } from '../../extension/client/processTransport';
import { makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ensureWebviewBundle } from '../webview/harness';
import { composerSend, entriesOfKind, HeldTurnCompletions, startRig, TestHost, waitUntil, type Rig } from './chatRig';

describe('chat integration: webview + controller + client + reference app-server + scripted model', function () {
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

  it('sends a prompt from the composer and streams the markdown answer', async () => {
    model.enqueue(reply.items({ type: 'reasoning', summary: ['**Looking** at the request'] }, { type: 'message', text: 'Use `npm test`:\n\n```sh\nnpm test\n```' }));
    rig = await startRig('reference', model);
    const { view, controller } = rig;
    composerSend(view, 'How do I run the tests?');
    await waitUntil(() => controller.currentThreadId !== undefined && !controller.activeTurnId && entriesOfKind(view, 'agent').length === 1 && !entriesOfKind(view, 'agent')[0].classList.contains('streaming'), 'the answer');
    const users = entriesOfKind(view, 'user');
    assert.equal(users.length, 1, 'the prompt is shown once');
    assert.equal(users[0].textContent, 'How do I run the tests?');
    const agent = entriesOfKind(view, 'agent')[0];
    assert.equal(agent.querySelector('pre code')!.textContent, 'npm test');
    assert.ok(agent.querySelector('[data-action="copy-code"]'));
    const reasoning = entriesOfKind(view, 'reasoning')[0];
    assert.match(reasoning.textContent!, /Looking at the request/);
    assert.equal(rig.host.savedThread, controller.currentThreadId, 'the thread id is remembered for the next window');
    assert.equal(view.document.querySelector('.thread-title')!.textContent, 'How do I run the tests?', 'the unnamed thread is called by its first prompt, not its id');
    // The model saw the prompt.
    assert.match(JSON.stringify(model.modelRequests[0].body.input), /How do I run the tests\?/);
  });

  it('asks for approval inline, signals attention while hidden, and runs the command once accepted', async () => {
    model.enqueue(reply.call('exec_command', { cmd: 'echo from-approved-command', yield_time_ms: 2000 }), reply.text('It printed the text.'));
    rig = await startRig('reference', model);
    const { view, host } = rig;
    const policy = view.document.querySelector('.policy-picker') as HTMLSelectElement;
    policy.value = 'untrusted';
    policy.dispatchEvent(new view.window.Event('change'));
    const sandbox = view.document.querySelector('.sandbox-picker') as HTMLSelectElement;
    sandbox.value = 'danger-full-access';
    sandbox.dispatchEvent(new view.window.Event('change'));
    host.visible = false;
    composerSend(view, 'print something');
    await waitUntil(() => view.document.querySelector('.approval.pending') !== null, 'the approval card');
    assert.deepEqual(host.attention.at(-1), 1, 'the attention signal counts the waiting approval');
    const card = view.document.querySelector('.approval.pending')!;
    assert.match(card.querySelector('.approval-detail')!.textContent!, /echo from-approved-command/);
    const waiting = entriesOfKind(view, 'command')[0];
    assert.equal(waiting?.querySelector('.badge')?.textContent, 'awaiting approval', 'the command card waits with the approval');
    const decisions = Array.from(card.querySelectorAll('[data-action="approve"]')).map((b) => (b as HTMLElement).dataset.decision);
    assert.deepEqual(decisions, ['accept', 'acceptForSession', 'decline', 'cancel']);
    (card.querySelector('[data-decision="accept"]') as HTMLElement).click();
    await waitUntil(() => !rig!.controller.activeTurnId && entriesOfKind(view, 'agent').some((a) => /It printed the text/.test(a.textContent!)), 'the final answer');
    assert.equal(host.attention.at(-1), 0, 'the signal clears once answered');
    const command = entriesOfKind(view, 'command')[0];
    assert.match(command.querySelector('.command-line')!.textContent!, /echo from-approved-command/);
    assert.match(command.querySelector('.command-output')!.textContent!, /from-approved-command/);
    assert.equal(command.querySelector('.badge')!.textContent, 'exit 0');
    assert.equal(view.document.querySelector('.approval .approval-resolution')!.textContent, 'Accepted');
  });

  it('shows a file change card with counts and opens its diff through the diff command', async () => {
    const patch = ['*** Begin Patch', '*** Add File: notes.txt', '+first line', '+second line', '*** End Patch'].join('\n');
    model.enqueue(
      reply.call('exec_command', { cmd: `apply_patch <<'EOF'\n${patch}\nEOF\n` }),
      reply.text('Added notes.txt.'),
    );
    rig = await startRig('reference', model);
    const { view, host } = rig;
    composerSend(view, 'add notes');
    await waitUntil(() => !rig!.controller.activeTurnId && /Added notes\.txt/.test(view.transcript().textContent!), 'the answer');
    assert.equal(fs.readFileSync(path.join(rig.workspace, 'notes.txt'), 'utf8'), 'first line\nsecond line\n');
    const card = entriesOfKind(view, 'fileChange')[0];
    assert.ok(card, `a file change card is shown; transcript: ${view.transcript().textContent}`);
    assert.equal(card.querySelector('.file-row .added')!.textContent, '+2');
    assert.equal(card.querySelector('.file-row .removed')!.textContent, '−0');
    (card.querySelector('[data-action="open-diff"]') as HTMLElement).click();
    await waitUntil(() => host.commands.some((c) => c.command === 'codex.diff.openFileDiff'), 'the diff command');
    const call = host.commands.find((c) => c.command === 'codex.diff.openFileDiff')!;
    assert.match(String(call.args[0]), /notes\.txt$/);
  });

  it('asks before applying a patch under the untrusted policy, and a decline leaves the file alone', async () => {
    const patch = ['*** Begin Patch', '*** Add File: declined.txt', '+should not exist', '*** End Patch'].join('\n');
    model.enqueue(reply.call('exec_command', { cmd: `apply_patch <<'EOF'\n${patch}\nEOF\n` }), reply.text('Understood, no changes.'));
    rig = await startRig('reference', model);
    const { view } = rig;
    for (const [selector, value] of [['.policy-picker', 'untrusted'], ['.sandbox-picker', 'read-only']]) {
      const picker = view.document.querySelector(selector) as HTMLSelectElement;
      picker.value = value;
      picker.dispatchEvent(new view.window.Event('change'));
    }
    composerSend(view, 'create a file');
    await waitUntil(() => view.document.querySelector('.approval.pending') !== null, 'the approval card');
    const card = view.document.querySelector('.approval.pending')!;
    assert.equal(card.querySelector('.card-title')!.textContent, 'Apply these file changes?');
    assert.match(card.querySelector('.approval-detail')!.textContent!, /declined\.txt/);
    (card.querySelector('[data-decision="decline"]') as HTMLElement).click();
    await waitUntil(() => !rig!.controller.activeTurnId && /Understood, no changes/.test(view.transcript().textContent!), 'the end of the turn', 40000);
    assert.equal(fs.existsSync(path.join(rig.workspace, 'declined.txt')), false, 'the declined patch was not applied');
    assert.equal(view.document.querySelectorAll('.approval.pending').length, 0);
  });

  it('stops a streaming turn with the Stop button', async () => {
    model.enqueue({ items: [{ type: 'message', text: 'word '.repeat(200) }], eventDelayMs: 50 });
    rig = await startRig('reference', model);
    const { view, controller } = rig;
    composerSend(view, 'talk a lot');
    await waitUntil(() => controller.activeTurnId !== undefined && entriesOfKind(view, 'agent').length > 0, 'streaming to start');
    const stop = view.document.querySelector('.composer .stop') as HTMLButtonElement;
    assert.equal(stop.hidden, false);
    stop.click();
    await waitUntil(() => controller.activeTurnId === undefined, 'the turn to stop');
    await waitUntil(() => /Turn interrupted/.test(view.transcript().textContent!), 'the interrupted notice');
    assert.equal(stop.hidden, true);
  });

  it('a prompt sent while a turn runs steers that turn', async () => {
    model.enqueue({ items: [{ type: 'message', text: 'thinking out loud '.repeat(20) }], eventDelayMs: 40 }, reply.text('Steered reply.'));
    rig = await startRig('reference', model);
    const { view, controller } = rig;
    composerSend(view, 'first request');
    await waitUntil(() => controller.activeTurnId !== undefined && entriesOfKind(view, 'agent').length > 0, 'streaming to start');
    const turnId = controller.activeTurnId;
    composerSend(view, 'also mention steering');
    await waitUntil(() => !controller.activeTurnId && /Steered reply/.test(view.transcript().textContent!), 'the steered reply', 40000);
    assert.equal(model.modelRequests.length, 2);
    assert.match(JSON.stringify(model.modelRequests[1].body.input), /also mention steering/, 'the steer reached the model within the turn');
    assert.deepEqual(entriesOfKind(view, 'user').map((u) => u.textContent), ['first request', 'also mention steering']);
    assert.ok(turnId);
    assert.equal(view.document.querySelectorAll('.notice-error').length, 0);
  });

  it('a prompt sent just as the turn ends (its completion still on the way) starts the next turn instead of failing', async () => {
    const completions = new HeldTurnCompletions();
    model.enqueue(reply.text('First reply.'));
    rig = await startRig('reference', model, { wrapClient: (client) => completions.wrap(client) });
    const { view, controller } = rig;
    composerSend(view, 'first question');
    await waitUntil(() => completions.heldCount === 1, 'the first turn to end on the server');
    assert.ok(controller.activeTurnId, 'the extension still believes the turn is running');
    model.enqueue(reply.text('Second reply.'));
    composerSend(view, 'second question');
    await waitUntil(() => entriesOfKind(view, 'agent').some((a) => a.textContent!.trim() === 'Second reply.') || view.document.querySelector('.notice-error') !== null, 'the second reply or an error');
    completions.release();
    await waitUntil(() => !controller.activeTurnId, 'both turns to end');
    assert.deepEqual(Array.from(view.document.querySelectorAll('.notice-error')).map((n) => n.textContent), [], 'no error');
    assert.deepEqual(entriesOfKind(view, 'user').map((u) => u.textContent), ['first question', 'second question']);
    assert.deepEqual(entriesOfKind(view, 'agent').map((a) => a.textContent!.trim()), ['First reply.', 'Second reply.']);
    assert.match(JSON.stringify(model.modelRequests.at(-1)!.body.input), /second question/, 'the model got the second prompt');
  });

  it('says plainly when the server dies, restarts it and resumes the thread', async () => {
    model.enqueue(reply.text('First answer.'), reply.text('Second answer after the restart.'));
    rig = await startRig('reference', model);
    const { view, controller, transports } = rig;
    composerSend(view, 'first');
    await waitUntil(() => !controller.activeTurnId && /First answer/.test(view.transcript().textContent!), 'the first answer');
    const threadId = controller.currentThreadId;
    process.kill(transports[0].pid!, 'SIGKILL');
    await waitUntil(() => /The Codex server was stopped by SIGKILL/.test(view.transcript().textContent!), 'the crash notice');
    const banner = view.document.querySelector('.connection-banner') as HTMLElement;
    assert.equal(banner.hidden, false, 'the banner shows while the server is down');
    await waitUntil(() => /Reconnected to the Codex server/.test(view.transcript().textContent!), 'the reconnect', 40000);
    assert.equal(banner.hidden, true);
    assert.equal(controller.currentThreadId, threadId, 'the same thread is re-attached');
    assert.match(view.transcript().textContent!, /First answer/, 'the history is still shown');
    composerSend(view, 'second');
    await waitUntil(() => /Second answer after the restart/.test(view.transcript().textContent!), 'an answer on the resumed thread');
    const secondRequest = JSON.stringify(model.modelRequests.at(-1)!.body.input);
    assert.match(secondRequest, /First answer/, 'the resumed thread kept its history on the server');
  });

  it('survives hiding and re-showing the view, and a new window restores from the server', async () => {
    model.enqueue(reply.text('Persistent answer.'));
    const codexHome = makeTempDir('codex-chat-home-');
    model.writeConfig(codexHome);
    rig = await startRig('reference', model, { codexHome });
    composerSend(rig.view, 'remember me');
    await waitUntil(() => !rig!.controller.activeTurnId && /Persistent answer/.test(rig!.view.transcript().textContent!), 'the answer');
    rig.reopenView();
    assert.match(rig.view.transcript().textContent!, /remember me[\s\S]*Persistent answer/, 'a re-created webview gets the transcript back');
    const threadId = rig.controller.currentThreadId!;
    await rig.dispose();
    // A new extension host: only the saved thread id survives; the items come back from the server.
    rig = await startRig('reference', model, { codexHome, saved: threadId });
    await waitUntil(() => /Persistent answer/.test(rig!.view.transcript().textContent!), 'the restored transcript');
    assert.equal(rig.controller.currentThreadId, threadId);
    assert.match(rig.view.transcript().textContent!, /remember me/);
  });

  it('a new window restores every turn of a thread with approvals, and reopening it keeps the first reply', async () => {
    // The e2e session's shape: a streamed first reply, then a turn whose command needed approval.
    model.enqueue(
      { ...reply.text('Hello: **streaming** works.', ['Hello: ', '**streaming** ', 'works.']), eventDelayMs: 150 },
      reply.call('exec_command', { cmd: 'echo approved-output', yield_time_ms: 2000 }),
      reply.text('The command ran.'),
    );
    const codexHome = makeTempDir('codex-chat-home-');
    model.writeConfig(codexHome);
    rig = await startRig('reference', model, { codexHome });
    rig.host.settingsValue.approvalPolicy = 'untrusted';
    rig.controller.reloadSettings();
    composerSend(rig.view, 'Say hello');
    await waitUntil(() => !rig!.controller.activeTurnId && /streaming works\./.test(rig!.view.transcript().textContent!), 'the first reply');
    composerSend(rig.view, 'Run it');
    await waitUntil(() => rig!.view.document.querySelector('.approval.pending [data-decision="accept"]') !== null, 'the approval card');
    (rig.view.document.querySelector('.approval.pending [data-decision="accept"]') as HTMLElement).click();
    await waitUntil(() => !rig!.controller.activeTurnId && /The command ran\./.test(rig!.view.transcript().textContent!), 'the second reply');
    const threadId = rig.controller.currentThreadId!;
    await rig.dispose();

    rig = await startRig('reference', model, { codexHome, saved: threadId });
    rig.host.settingsValue.approvalPolicy = 'untrusted';
    const restored = () => rig!.view.transcript().textContent!;
    await waitUntil(() => /The command ran\./.test(restored()), 'the restored transcript');
    assert.match(restored(), /Say hello[\s\S]*streaming works\.[\s\S]*Run it[\s\S]*The command ran\./);
    // Picking the thread again (Threads view) resumes it once more: nothing may go missing.
    await rig.controller.openThread(threadId);
    assert.match(restored(), /Say hello[\s\S]*streaming works\.[\s\S]*Run it[\s\S]*The command ran\./);
    assert.equal(entriesOfKind(rig.view, 'agent').filter((a) => /streaming works\./.test(a.textContent!)).length, 1);
  });

  it('a window closed while the reply is still streaming restores the turn as interrupted', async () => {
    // The text can be complete on screen while the model stream (and so the turn) is still open;
    // the official server then keeps no reply for the turn, and the chat says it was interrupted.
    model.enqueue({ ...reply.text('Almost done.', ['Almost ', 'done.']), eventDelayMs: 400 });
    const codexHome = makeTempDir('codex-chat-home-');
    model.writeConfig(codexHome);
    rig = await startRig('reference', model, { codexHome });
    composerSend(rig.view, 'Say hello');
    await waitUntil(() => /Almost done\./.test(rig!.view.transcript().textContent!), 'the streamed text');
    assert.ok(rig.controller.activeTurnId, 'the turn is still running although the text looks complete');
    const threadId = rig.controller.currentThreadId!;
    await rig.dispose();

    rig = await startRig('reference', model, { codexHome, saved: threadId });
    await waitUntil(() => /Turn interrupted/.test(rig!.view.transcript().textContent!), 'the restored, interrupted turn');
    assert.match(rig.view.transcript().textContent!, /Say hello/);
    assert.equal(rig.controller.activeTurnId, undefined, 'nothing is left running');
  });

  it('runs slash commands: /status, /clear, /diff, /hooks, /new', async () => {
    model.enqueue({ ...reply.text('Counted.'), usage: { input_tokens: 1200, output_tokens: 34 } });
    rig = await startRig('reference', model);
    const { view, host, controller } = rig;
    composerSend(view, 'count tokens');
    await waitUntil(() => !controller.activeTurnId && /Counted\./.test(view.transcript().textContent!), 'the answer');
    composerSend(view, '/status');
    await waitUntil(() => /Server: connected/.test(view.transcript().textContent!), 'the status');
    assert.match(view.transcript().textContent!, /Tokens used: 1234 \(1200 in, 34 out\)/);
    assert.match(view.transcript().textContent!, new RegExp(`Thread: ${controller.currentThreadId}`));
    composerSend(view, '/clear');
    await waitUntil(() => view.document.querySelectorAll('.entry').length === 0, 'the cleared view');
    composerSend(view, '/diff');
    composerSend(view, '/hooks');
    await waitUntil(() => host.commands.length >= 2, 'the commands');
    assert.deepEqual(host.commands.map((c) => c.command), ['codex.openTurnDiff', 'codex.hooks.focus']);
    const firstThread = controller.currentThreadId;
    composerSend(view, '/new');
    await waitUntil(() => controller.currentThreadId === undefined, 'the old thread to be let go');
    composerSend(view, '/goal ');
    await waitUntil(() => /Usage: \/goal/.test(view.transcript().textContent!), 'the usage error');
    composerSend(view, '/ide explain');
    await waitUntil(() => /IDE context is not available/.test(view.transcript().textContent!), 'the /ide error without a provider');
    controller.setIdeContextProvider(async () => ({ label: 'IDE context', text: '<ide-context>active file: src/server-main.ts</ide-context>' }));
    model.enqueue(reply.text('Seen the IDE context.'));
    composerSend(view, '/ide explain this');
    await waitUntil(() => /Seen the IDE context/.test(view.transcript().textContent!), 'the /ide answer');
    assert.match(JSON.stringify(model.modelRequests.at(-1)!.body.input), /active file: src\/server-main.ts/);
    assert.match(view.transcript().textContent!, /IDE context/, 'the attachment chip is shown');
    assert.ok(controller.currentThreadId && controller.currentThreadId !== firstThread, 'the first prompt after /new started a new thread');
    assert.doesNotMatch(JSON.stringify(model.modelRequests.at(-1)!.body.input), /count tokens/, 'with none of the old history');
  });

  it('/fork copies the thread into a new one and /resume brings the original back', async () => {
    model.enqueue(reply.text('Original answer.'));
    rig = await startRig('reference', model);
    const { view, controller, host } = rig;
    composerSend(view, 'start');
    await waitUntil(() => !controller.activeTurnId && /Original answer/.test(view.transcript().textContent!), 'the answer');
    const original = controller.currentThreadId!;
    composerSend(view, '/fork');
    await waitUntil(() => controller.currentThreadId !== original, 'the fork');
    await waitUntil(() => /Forked into a new thread/.test(view.transcript().textContent!), 'the fork notice');
    assert.match(view.transcript().textContent!, /Original answer/, 'the fork shows the copied history');
    host.pickedThread = original;
    composerSend(view, '/resume');
    await waitUntil(() => controller.currentThreadId === original, 'the resumed original');
    assert.match(view.transcript().textContent!, /start[\s\S]*Original answer/);
  });

  it('@ mentions search the workspace and reach the server as mentions', async () => {
    model.enqueue(reply.text('Looked at it.'));
    rig = await startRig('reference', model);
    const { view } = rig;
    const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
    textarea.value = 'check @srvmain';
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    textarea.dispatchEvent(new view.window.Event('input', { bubbles: true }));
    await waitUntil(() => view.document.querySelectorAll('.popup-item').length > 0, 'the mention popup');
    assert.equal(view.document.querySelector('.popup-item .popup-detail')!.textContent, path.join('src', 'server-main.ts'));
    textarea.dispatchEvent(new view.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    assert.equal(textarea.value, 'check @server-main.ts ');
    textarea.dispatchEvent(new view.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await waitUntil(() => /Looked at it/.test(view.transcript().textContent!), 'the answer');
    assert.match(view.transcript().textContent!, /@server-main\.ts/);
  });
});

describe('chat with a server that cannot start', function () {
  this.timeout(30000);

  it('keeps retrying with growing delays, shows one plain notice, and fails requests fast', async () => {
    const workspace = makeTempDir('codex-chat-ws-');
    const attempts: number[] = [];
    const client = new CodexClient({
      clientInfo: { name: 'codex_vscode_tests', title: 'Tests', version: '0.0.1' },
      backoff: { initialMs: 50, maxMs: 400 },
      transportFactory: async () => {
        attempts.push(Date.now());
        return ProcessTransport.start({ command: path.join(workspace, 'no-such-codex'), args: ['app-server'] });
      },
    });
    const scheduled: number[] = [];
    client.onDidDisconnect((event) => event.restartInMs !== undefined && scheduled.push(event.restartInMs));
    const host = new TestHost(workspace);
    const controller = new ChatControllerImpl(client, host);
    try {
      await assert.rejects(client.start(), /did not start|could not start/);
      await waitUntil(() => attempts.length >= 4, 'several attempts', 20000);
      // The client doubles its delay; measured gaps only add load-dependent latency to it, so compare
      // the scheduled delays, and check that no attempt came before its delay was over.
      assert.deepEqual(scheduled.slice(0, 3), [50, 100, 200], 'the delay grows');
      const gaps = attempts.slice(1).map((at, i) => at - attempts[i]);
      for (const [i, gap] of gaps.slice(0, 3).entries()) assert.ok(gap >= scheduled[i] - 2, `attempt ${i + 2} came ${gap} ms after the one before, within its ${scheduled[i]} ms delay`);
      const notices = controller.entries.filter((entry) => entry.kind === 'notice');
      assert.equal(notices.length, 1, 'one notice, updated on each failure');
      assert.match((notices[0] as { text: string }).text, /could not start .*no-such-codex.*ENOENT.*Restarting it in/);
      await controller.sendPrompt('hello');
      assert.match(JSON.stringify(controller.entries), /Could not send the prompt: The Codex server could not start/);
      assert.ok(!controller.entries.some((entry) => entry.kind === 'user'), 'the unsent prompt is not left in the transcript');
    } finally {
      controller.dispose();
      await client.dispose();
    }
  });
});

describe('chat integration with our dist/server.js', function () {
  this.timeout(60000);
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

  it('connects, lists models for the picker, and streams the answer to a prompt', async () => {
    model.enqueue(reply.text('Hello from our server.'));
    rig = await startRig('ours', model);
    const { view, controller } = rig;
    await waitUntil(() => (view.document.querySelector('.model-picker') as HTMLSelectElement).options.length > 0, 'the model picker');
    composerSend(view, 'hello');
    await waitUntil(() => /Hello from our server\./.test(view.transcript().textContent!), 'the streamed answer');
    await waitUntil(() => !controller.activeTurnId, 'the turn to end');
    assert.equal(view.document.querySelector('.notice-error'), null, 'no error notice');
    assert.match(view.transcript().textContent!, /hello/, 'the prompt stays in the transcript');
    assert.equal(model.modelRequests.length, 1, 'one model request');
    assert.equal((view.document.querySelector('.composer-input') as HTMLTextAreaElement).value, '', 'the composer was cleared');
    assert.equal(controller.sessionInfo().connection, 'connected');
  });

  it('shows a failed turn\'s error once, with the reason, and the next prompt works', async () => {
    model.enqueue(reply.status(500), reply.text('Recovered.'));
    rig = await startRig('ours', model);
    const { view, controller } = rig;
    composerSend(view, 'first');
    await waitUntil(() => view.document.querySelector('.notice-error') !== null, 'the error notice');
    await waitUntil(() => !controller.activeTurnId, 'the failed turn to end');
    // The server sends `error` and then `turn/completed` (failed): both describe one failure.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const errors = [...view.document.querySelectorAll('.notice-error')].map((e) => e.textContent);
    assert.equal(errors.length, 1, `one error notice, got ${JSON.stringify(errors)}`);
    assert.match(errors[0]!, /500/);
    composerSend(view, 'second');
    await waitUntil(() => /Recovered\./.test(view.transcript().textContent!), 'the next answer');
  });
});
