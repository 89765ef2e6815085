/**
 * The chat in a real VS Code: the extension connects to its bundled server at
 * activation, the chat view resolves, "Restart Server" reconnects, and with
 * the reference `codex app-server` (through `codex.serverPath`) a prompt
 * streams an answer; when the server is killed the extension restarts it and
 * re-attaches the open thread with `thread/resume`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../../extension/services';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { activateCodex, codexHome, waitFor } from './index.helpers';

/** What the running ChatControllerImpl exposes beyond the ChatController contract. */
interface ChatInternals {
  entries: readonly { kind: string; id: string; text?: string }[];
  sessionInfo(): { connection: string; threadId?: string };
}

interface ClientInternals {
  transportDescription?: string;
  lastExit?: string;
}

function referenceCodex(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...[process.env.INIT_CWD, process.env.PWD, process.cwd()].filter(Boolean).map((d) => path.join(d!, 'node_modules', '.bin'))];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'codex');
    if (fs.existsSync(candidate) && fs.realpathSync(candidate).includes(path.join('node_modules', '@openai', 'codex'))) return candidate;
  }
  throw new Error('the reference codex CLI (node_modules/.bin/codex) is not reachable from the extension host');
}

const transcriptText = (services: ExtensionServices) =>
  (services.chat as unknown as ChatInternals).entries.map((entry) => `${entry.kind}: ${entry.text ?? ''}`).join('\n');

describe('chat and server connection in a real VS Code', function () {
  this.timeout(120_000);
  let services: ExtensionServices;

  before(async () => {
    services = await activateCodex<ExtensionServices>();
  });

  it('connects to the bundled server and shows the chat view', async () => {
    await waitFor(() => services.client.state === 'connected', 30_000, 'the bundled server to connect');
    assert.match((services.client as unknown as ClientInternals).transportDescription ?? '', /dist[\\/]server\.js/);
    await vscode.commands.executeCommand('codex.focusChat');
    // The view's webview is created and reported ready: the controller then knows the connection state.
    await waitFor(() => (services.chat as unknown as ChatInternals).sessionInfo().connection === 'connected', 10_000, 'the chat session');
  });

  it('"Restart Server" reconnects', async () => {
    const states: string[] = [];
    const subscription = services.client.onDidChangeState((state) => states.push(state));
    await vscode.commands.executeCommand('codex.restartServer');
    await waitFor(() => services.client.state === 'connected' && states.includes('starting'), 30_000, 'the restart');
    subscription.dispose();
    assert.deepEqual(states.slice(-2), ['starting', 'connected']);
  });

  describe('with the reference codex app-server and the scripted model', () => {
    let model: ScriptedModel;

    before(async () => {
      model = await new ScriptedModel().start();
      model.writeConfig(codexHome());
      const settings = vscode.workspace.getConfiguration('codex');
      await settings.update('serverPath', referenceCodex(), vscode.ConfigurationTarget.Global);
      await settings.update('serverArgs', ['app-server'], vscode.ConfigurationTarget.Global);
      await settings.update('serverEnv', { MOCK_KEY: 'test-key', CODEX_HOME: codexHome() }, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('codex.restartServer');
      await waitFor(
        () => services.client.state === 'connected' && /codex/.test((services.client as unknown as ClientInternals).transportDescription ?? ''),
        30_000,
        'the reference server to connect',
      );
    });

    after(async () => {
      await model?.stop();
      const settings = vscode.workspace.getConfiguration('codex');
      for (const key of ['serverPath', 'serverArgs', 'serverEnv']) await settings.update(key, undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('codex.restartServer').then(undefined, () => undefined);
    });

    it('streams an answer to a prompt into the chat', async () => {
      model.enqueue(reply.text('Chat answer from the scripted model.'));
      await services.chat.newThread();
      await services.chat.sendPrompt('Say something');
      await waitFor(() => !services.chat.activeTurnId && /Chat answer from the scripted model\./.test(transcriptText(services)), 40_000, 'the answer');
      assert.ok(services.chat.currentThreadId);
      assert.match(transcriptText(services), /user: Say something/);
    });

    it('restarts a killed server and re-attaches the open thread', async () => {
      const threadId = services.chat.currentThreadId;
      assert.ok(threadId);
      const description = (services.client as unknown as ClientInternals).transportDescription ?? '';
      const pid = Number(/\(pid (\d+)\)/.exec(description)?.[1]);
      assert.ok(pid > 0, `the server pid is known (${description})`);
      process.kill(pid, 'SIGKILL');
      await waitFor(() => /The Codex server was stopped by SIGKILL/.test(transcriptText(services)), 15_000, 'the crash notice');
      await waitFor(() => services.client.state === 'connected' && /Reconnected to the Codex server/.test(transcriptText(services)), 60_000, 'the reconnect');
      assert.equal(services.chat.currentThreadId, threadId);
      model.enqueue(reply.text('Still here after the crash.'));
      await services.chat.sendPrompt('Are you there?');
      await waitFor(() => /Still here after the crash\./.test(transcriptText(services)), 40_000, 'an answer on the resumed thread');
      assert.match(JSON.stringify(model.modelRequests.at(-1)!.body.input), /Chat answer from the scripted model/, 'the resumed thread kept its history');
    });
  });
});
