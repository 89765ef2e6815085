/**
 * The chat's everyday actions through the real controller, client and our
 * server (scripted model): "Undo to here" reverting the conversation and the
 * recorded file changes (and refusing the files when one changed since),
 * `!command`, an image attached in the composer reaching the model, and the
 * `@` list from the server's fuzzyFileSearch when the server is remote.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ChatControllerImpl } from '../../extension/chat/chatController';
import type { ChatSettings } from '../../extension/chat/chatHost';
import { UNDO_ALL, UNDO_CONVERSATION } from '../../extension/chat/undoToHere';
import { CodexClient } from '../../extension/client/codexClient';
import { ProcessTransport } from '../../extension/client/processTransport';
import type { HostToWebview } from '../../webview/protocol';
import { makeTempDir, OUR_SERVER } from '../helpers/appServerProcess';
import { makePng } from '../helpers/pngImage';
import { testHome } from '../helpers/tempDir';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { waitUntil } from '../server/turnHelpers';
import { TestHost } from './chatRig';

/** Only what these actions use; everything else is inert. */
/** Asks are recorded and answered by `answer` (TestHost); `remote` marks the server as remote. */
class ActionsHost extends TestHost {
  remote = false;
  settings(): ChatSettings {
    return { ...super.settings(), remoteServer: this.remote };
  }
}

const PATCH = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: new.txt\n+created\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n*** End Patch\nEOF\n";

describe('chat actions: undo to here, ! commands, images, remote @ list (our server)', function () {
  this.timeout(120000);
  let model: ScriptedModel;
  let client: CodexClient;
  let controller: ChatControllerImpl;
  let host: ActionsHost;
  let workspace: string;
  const posted: HostToWebview[] = [];

  beforeEach(async () => {
    model = await new ScriptedModel().start();
    const codexHome = makeTempDir('codex-actions-home-');
    model.writeConfig(codexHome);
    workspace = makeTempDir('codex-actions-ws-');
    fs.writeFileSync(path.join(workspace, 'a.txt'), 'one\ntwo\nthree\n');
    client = new CodexClient({
      clientInfo: { name: 'codex_vscode_tests', title: 'Tests', version: '0.0.1' },
      transportFactory: async () =>
        ProcessTransport.start({ command: process.execPath, args: [OUR_SERVER], cwd: workspace, env: { HOME: testHome(), CODEX_HOME: codexHome, MOCK_KEY: 'mock-key' } }),
    });
    host = new ActionsHost(workspace);
    controller = new ChatControllerImpl(client, host);
    posted.length = 0;
    controller.attachView((message) => posted.push(message));
    await client.start();
    await controller.handleWebviewMessage({ type: 'ready' });
  });
  afterEach(async () => {
    controller.dispose();
    await client.dispose();
    await model.stop();
  });

  const userEntries = () => controller.entries.filter((e) => e.kind === 'user');
  const turnDone = () => waitUntil('the turn to end', () => controller.activeTurnId === undefined && !controller.entries.some((e) => e.kind === 'agent' && e.streaming), 30000);
  async function prompt(text: string, images: any[] = []): Promise<void> {
    const before = model.modelRequests.length;
    await controller.handleWebviewMessage({ type: 'send', text, mentions: [], images });
    await waitUntil('the model request', () => model.modelRequests.length > before);
    await turnDone();
  }
  const requestTexts = (index: number) =>
    (model.modelRequests[index].body.input as any[]).filter((m) => m.type === 'message' && m.role === 'user').map((m) => m.content.map((c: any) => c.text ?? '').join(''));

  it('Undo to here reverts the conversation and the recorded file changes', async () => {
    model.enqueue(reply.call('exec_command', { cmd: PATCH }, 'call_patch'), reply.text('patched'), reply.text('second answer'), reply.text('after undo'));
    await prompt('please change the files');
    await prompt('and something else');
    assert.equal(fs.readFileSync(path.join(workspace, 'a.txt'), 'utf8'), 'one\nTWO\nthree\n');
    assert.ok(fs.existsSync(path.join(workspace, 'new.txt')));

    host.answer = UNDO_ALL;
    await controller.handleWebviewMessage({ type: 'undoTo', id: userEntries()[0].id });
    assert.deepEqual(host.asked[0].choices, [UNDO_ALL, UNDO_CONVERSATION]);
    assert.match(host.asked[0].message, /and the 1 turn after it/);
    assert.match(host.asked[0].detail, /2 files can be put back/);
    assert.equal(fs.readFileSync(path.join(workspace, 'a.txt'), 'utf8'), 'one\ntwo\nthree\n');
    assert.equal(fs.existsSync(path.join(workspace, 'new.txt')), false);
    assert.equal(userEntries().length, 0);
    assert.ok(posted.some((m) => m.type === 'restoreDraft' && m.text === 'please change the files'), 'the undone prompt returns to the composer');
    assert.ok(controller.entries.some((e) => e.kind === 'notice' && /2 files restored/.test(e.text)));

    await prompt('fresh start');
    const last = requestTexts(model.modelRequests.length - 1);
    assert.ok(last.includes('fresh start'));
    assert.ok(!last.some((t) => t.includes('please change the files') || t.includes('and something else')), 'the reverted turns never reach the model again');
  });

  it('Undo to here refuses the file part, naming the file, when it changed since', async () => {
    model.enqueue(reply.call('exec_command', { cmd: PATCH }, 'call_patch'), reply.text('patched'));
    await prompt('please change the files');
    fs.writeFileSync(path.join(workspace, 'a.txt'), 'mine now\n');
    host.answer = UNDO_CONVERSATION;
    await controller.handleWebviewMessage({ type: 'undoTo', id: userEntries()[0].id });
    assert.deepEqual(host.asked[0].choices, [UNDO_CONVERSATION]);
    assert.match(host.asked[0].detail, /a\.txt changed after the turn edited it/);
    assert.equal(fs.readFileSync(path.join(workspace, 'a.txt'), 'utf8'), 'mine now\n');
    assert.ok(fs.existsSync(path.join(workspace, 'new.txt')), 'files untouched');
    assert.equal(userEntries().length, 0, 'the conversation is undone');
  });

  it('! runs a shell command whose output joins the conversation', async () => {
    model.enqueue(reply.text('I saw it'));
    await controller.handleWebviewMessage({ type: 'shell', command: 'echo from-the-shell' });
    await waitUntil('the command entry', () => controller.entries.some((e) => e.kind === 'command' && e.status === 'completed' && e.output.includes('from-the-shell')));
    await turnDone();
    await prompt('what did it print?');
    assert.ok(requestTexts(0).some((t) => t.startsWith('<user_shell_command>') && t.includes('from-the-shell')));
  });

  it('an attached image reaches the model as input_image and shows as a thumbnail chip', async () => {
    model.enqueue(reply.text('nice picture'));
    const dataUrl = `data:image/png;base64,${makePng(4, 3).toString('base64')}`;
    await prompt('look at this', [{ name: 'shot.png', dataUrl, width: 4, height: 3 }]);
    const user = (model.modelRequests[0].body.input as any[]).filter((m) => m.role === 'user').pop();
    assert.deepEqual(user.content.find((c: any) => c.type === 'input_image'), { type: 'input_image', image_url: dataUrl, detail: 'high' });
    assert.equal((userEntries()[0] as any).attachments[0].image, dataUrl);
  });

  it('with a remote server the @ list comes from fuzzyFileSearch', async () => {
    fs.mkdirSync(path.join(workspace, 'src'));
    fs.writeFileSync(path.join(workspace, 'src', 'remoteOnly.ts'), '');
    host.remote = true;
    await controller.handleWebviewMessage({ type: 'mentionQuery', query: 'remonly' });
    const results = posted.find((m) => m.type === 'mentionResults') as Extract<HostToWebview, { type: 'mentionResults' }>;
    assert.deepEqual(results.files[0], { name: 'remoteOnly.ts', path: path.join(workspace, 'src', 'remoteOnly.ts'), relativePath: 'src/remoteOnly.ts' });
  });
});
