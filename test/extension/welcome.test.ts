/**
 * First run, without VS Code: the chat webview (jsdom) ⇄ ChatController ⇄
 * AccountState ⇄ CodexClient ⇄ our dist/server.js ⇄ scripted model. A clean
 * CODEX_HOME and no key in the environment show the welcome card; a key saved
 * through account/login/start hides it and the next prompt is answered; a
 * refused prompt offers the same choices; the effort picker follows the model
 * and each thread keeps its effort; a local server is found and used.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AccountState } from '../../extension/account/accountState';
import { ChatControllerImpl } from '../../extension/chat/chatController';
import type { ChatHost, ChatSettings } from '../../extension/chat/chatHost';
import { CodexClient } from '../../extension/client/codexClient';
import { ProcessTransport } from '../../extension/client/processTransport';
import { findLocalServers, localProviderEdits } from '../../extension/welcome/localModels';
import { SETUP_COMMANDS, SIGN_OUT_COMMAND } from '../../extension/welcome/setupCommands';
import { makeTempDir, OUR_SERVER } from '../helpers/appServerProcess';
import { testHome } from '../helpers/tempDir';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ensureWebviewBundle, openWebview, type WebviewHarness } from '../webview/harness';

const KEY = 'sk-welcome-test-abcdef';

class Host implements ChatHost {
  readonly commands: string[] = [];
  onCommand: (command: string) => Promise<void> = async () => undefined;
  saved: string | undefined;
  constructor(private readonly cwd: string) {}
  settings(): ChatSettings {
    return { model: '', approvalPolicy: '', sandboxMode: '', cwd: this.cwd, autoContext: false };
  }
  async findFiles() {
    return [];
  }
  async executeCommand(command: string): Promise<unknown> {
    this.commands.push(command);
    await this.onCommand(command);
    return undefined;
  }
  async pickThread() {
    return undefined;
  }
  async ask(): Promise<string | undefined> {
    return undefined;
  }
  async pickModel() {
    return undefined;
  }
  async pickOne() {
    return undefined;
  }
  async pickFile() {
    return undefined;
  }
  async writeClipboard() {}
  async openFile() {}
  async reveal() {}
  isViewVisible() {
    return true;
  }
  setAttention() {}
  saveThreadId(id: string | undefined) {
    this.saved = id;
  }
  savedThreadId() {
    return this.saved;
  }
  setContext() {}
  log() {}
}

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 30000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Rig {
  client: CodexClient;
  controller: ChatControllerImpl;
  account: AccountState;
  host: Host;
  view: WebviewHarness;
  codexHome: string;
  dispose(): Promise<void>;
}

async function startRig(config: string): Promise<Rig> {
  const codexHome = makeTempDir('codex-welcome-home-');
  const workspace = makeTempDir('codex-welcome-ws-');
  fs.writeFileSync(path.join(codexHome, 'config.toml'), config);
  const client = new CodexClient({
    clientInfo: { name: 'codex_vscode_tests', title: 'Tests', version: '0.0.1' },
    transportFactory: async () =>
      ProcessTransport.start({ command: process.execPath, args: [OUR_SERVER], cwd: workspace, env: { HOME: testHome(), CODEX_HOME: codexHome, OPENAI_API_KEY: '' } }),
  });
  const host = new Host(workspace);
  const controller = new ChatControllerImpl(client, host);
  const account = new AccountState(client, () => false);
  account.onDidChange((snapshot) => controller.setAccount({ needsSetup: snapshot.needsSetup, label: snapshot.label }));
  const view = openWebview();
  controller.attachView((message) => view.send(JSON.parse(JSON.stringify(message))));
  const forward = (message: any) => void controller.handleWebviewMessage(message);
  for (const message of view.posted.splice(0)) forward(message);
  view.posted.push = (...messages: any[]) => {
    for (const message of messages) forward(message);
    return Array.prototype.push.apply(view.posted, messages);
  };
  await client.start();
  return {
    client,
    controller,
    account,
    host,
    view,
    codexHome,
    async dispose() {
      view.close();
      account.dispose();
      controller.dispose();
      await client.dispose();
    },
  };
}

function composerSend(view: WebviewHarness, text: string): void {
  const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
  textarea.value = text;
  textarea.setSelectionRange(text.length, text.length);
  textarea.dispatchEvent(new view.window.Event('input', { bubbles: true }));
  textarea.dispatchEvent(new view.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
}

const card = (view: WebviewHarness) => view.document.querySelector('.welcome-card') as HTMLElement;
const emptyState = (view: WebviewHarness) => view.document.querySelector('.empty-state') as HTMLElement;

describe('first run: welcome card, sign-in, effort, local model', function () {
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

  it('shows the welcome card until a key is saved through account/login/start, then answers the first prompt; /logout signs out', async () => {
    rig = await startRig(`model = "mock-model"\nopenai_base_url = "${model.baseUrl}"\napproval_policy = "never"\n`);
    const { view, host, client, account, controller } = rig;
    await waitUntil(() => !card(view).hidden, 'the welcome card');
    assert.equal(emptyState(view).hidden, true, 'the card replaces the empty state');
    const labels = [...card(view).querySelectorAll('button')].map((b) => b.textContent);
    assert.deepEqual(labels, ['Use an OpenAI API key', 'Use a local model', 'Open config.toml', 'Use the official Codex server']);

    // The card's button runs the command; here the command does what the VS Code one does after its input box.
    host.onCommand = async (command) => {
      if (command === SETUP_COMMANDS.apiKey) await client.request('account/login/start', { type: 'apiKey', apiKey: KEY });
      if (command === SIGN_OUT_COMMAND) await client.request('account/logout', undefined);
    };
    (card(view).querySelector('button') as HTMLButtonElement).click();
    await waitUntil(() => host.commands.includes(SETUP_COMMANDS.apiKey), 'the sign-in command');
    // account/updated alone (no extra refresh call) hides the card: no reload.
    await waitUntil(() => card(view).hidden && !emptyState(view).hidden, 'the card to go away');
    assert.equal(account.snapshot.label, 'OpenAI API key');
    assert.equal((fs.statSync(path.join(rig.codexHome, 'auth.json')).mode & 0o777), 0o600);

    model.enqueue(reply.text('Welcome aboard.'));
    composerSend(view, 'hello');
    await waitUntil(() => /Welcome aboard\./.test(view.transcript().textContent!), 'the answer');
    await waitUntil(() => !controller.activeTurnId, 'the turn to end');
    assert.equal(model.modelRequests[0].headers.authorization, `Bearer ${KEY}`);

    composerSend(view, '/logout');
    await waitUntil(() => host.commands.includes(SIGN_OUT_COMMAND), 'the sign-out command');
    await waitUntil(() => account.snapshot.needsSetup, 'signed out');
    assert.equal(fs.existsSync(path.join(rig.codexHome, 'auth.json')), false);
  });

  it('a prompt refused for lack of credentials shows the setup choices next to the error', async () => {
    rig = await startRig('model = "gpt-5.1-codex"\n');
    const { view, host } = rig;
    await waitUntil(() => !card(view).hidden, 'the welcome card');
    composerSend(view, 'hello');
    await waitUntil(() => view.document.querySelector('.notice-error .setup-actions') !== null, 'the choices under the error');
    const error = view.document.querySelector('.notice-error') as HTMLElement;
    assert.match(error.textContent!, /OPENAI_API_KEY|API key/);
    (error.querySelector('[data-setup="localModel"]') as HTMLButtonElement).click();
    await waitUntil(() => host.commands.includes(SETUP_COMMANDS.localModel), 'the local-model command');
  });

  it('the effort picker offers the model\'s efforts; turn/start carries the choice; each thread keeps its own', async () => {
    rig = await startRig(
      `model = "mock-model"\nmodel_provider = "mock"\napproval_policy = "never"\n[model_providers.mock]\nname = "Mock"\nbase_url = "${model.baseUrl}"\nrequest_max_retries = 0\nstream_max_retries = 0\n`,
    );
    const { view, controller } = rig;
    assert.equal(card(view).hidden, true, 'a provider without OpenAI sign-in needs no card');
    const picker = () => view.document.querySelector('.effort-picker') as HTMLSelectElement;
    await waitUntil(() => [...picker().options].some((o) => o.value === 'high'), 'the efforts of mock-model');
    assert.deepEqual([...picker().options].map((o) => o.value), ['', 'low', 'medium', 'high']);
    picker().value = 'high';
    picker().dispatchEvent(new view.window.Event('change'));
    model.enqueue(reply.text('Thought hard.'), reply.text('Default effort.'));
    composerSend(view, 'first thread');
    await waitUntil(() => model.modelRequests.length === 1 && !controller.activeTurnId && /Thought hard/.test(view.transcript().textContent!), 'the first answer');
    assert.equal(model.modelRequests[0].body.reasoning?.effort, 'high');
    const first = controller.currentThreadId!;

    await controller.newThread();
    picker().value = '';
    picker().dispatchEvent(new view.window.Event('change'));
    composerSend(view, 'second thread');
    await waitUntil(() => model.modelRequests.length === 2 && !controller.activeTurnId && /Default effort/.test(view.transcript().textContent!), 'the second answer');
    assert.notEqual(model.modelRequests[1].body.reasoning?.effort, 'high');
    const second = controller.currentThreadId!;

    await controller.openThread(first);
    assert.equal(controller.sessionInfo().effort, 'high');
    assert.equal(picker().value, 'high');
    await controller.openThread(second);
    assert.notEqual(controller.sessionInfo().effort, 'high');
  });

  it('finds a local OpenAI-compatible server, writes it to config.toml, and the next prompt goes to it', async () => {
    model.availableModels = ['qwen2.5-coder:7b'];
    rig = await startRig('model = "gpt-5.1-codex"\n');
    const { view, client, controller, account } = rig;
    await waitUntil(() => !card(view).hidden, 'the welcome card');
    const closed = 'http://127.0.0.1:9/v1';
    const servers = await findLocalServers([closed, model.baseUrl, 'http://example.invalid/v1']);
    assert.deepEqual(servers, [{ providerId: 'local', name: `Local model server (${model.baseUrl})`, baseUrl: model.baseUrl, models: ['qwen2.5-coder:7b'] }]);
    await client.request('config/batchWrite', { edits: localProviderEdits(servers[0], 'qwen2.5-coder:7b'), reloadUserConfig: true });
    controller.useModel('qwen2.5-coder:7b');
    await account.refresh();
    await waitUntil(() => card(view).hidden, 'the card to go away');
    assert.equal(account.snapshot.providerId, 'local');
    assert.match(fs.readFileSync(path.join(rig.codexHome, 'config.toml'), 'utf8'), /\[model_providers\.local\]/);
    model.enqueue(reply.text('Local answer.'));
    composerSend(view, 'hello local');
    await waitUntil(() => /Local answer\./.test(view.transcript().textContent!), 'the local answer');
    assert.equal(model.modelRequests[0].body.model, 'qwen2.5-coder:7b');
  });
});
