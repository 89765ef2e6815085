/**
 * The first-run choices as commands (the welcome card, the buttons under a
 * credentials error and the palette run the same ones): sign in with an API key,
 * use a local model, open config.toml, use the official Codex server, sign out.
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { AccountState } from '../account/accountState';
import { remoteServerInUse } from '../remote/remoteConnection';
import { ensureConfigFile } from './configTemplate';
import { DEFAULT_LOCAL_SERVERS, findLocalServers, localProviderEdits, type LocalServer } from './localModels';
import { findCodexBinaries } from './officialServer';
import { SETUP_COMMANDS, SIGN_OUT_COMMAND } from './setupCommands';

export const WELCOME_COMMANDS = [...Object.values(SETUP_COMMANDS), SIGN_OUT_COMMAND];

export function registerWelcome(services: ExtensionServices, account: AccountState): void {
  const { client, chat, context } = services;
  const fail = (error: unknown) => void vscode.window.showErrorMessage(`Codex: ${(error as Error).message}`);
  const guarded = (run: () => Promise<void>) => () => run().catch(fail);

  const signInWithApiKey = async () => {
    const apiKey = await vscode.window.showInputBox({
      title: 'Codex: Use an OpenAI API key',
      prompt: 'Saved in auth.json in your Codex home (mode 0600), never in settings.json.',
      placeHolder: 'sk-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (!value.trim() ? 'Paste an OpenAI API key.' : /\s/.test(value.trim()) ? 'Paste only the key (no spaces or line breaks).' : undefined),
    });
    if (apiKey === undefined) return;
    await client.request('account/login/start', { type: 'apiKey', apiKey: apiKey.trim() });
    await account.refresh();
    void vscode.window.showInformationMessage('Codex: signed in with your OpenAI API key.');
  };

  const useLocalModel = async () => {
    const configured = vscode.workspace.getConfiguration('codex').get<string[]>('localModelServers', DEFAULT_LOCAL_SERVERS);
    const servers = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Codex: looking for local model servers…' },
      () => findLocalServers(configured.length ? configured : DEFAULT_LOCAL_SERVERS),
    );
    const choices = servers.flatMap((server) => server.models.map((model) => ({ label: model, description: server.name, server, model })));
    if (!choices.length) {
      const empty = servers.length ? `${servers.map((s) => s.name).join(', ')} answered but has no models installed.` : 'No local model server answered';
      const where = (configured.length ? configured : DEFAULT_LOCAL_SERVERS).join(', ');
      const open = await vscode.window.showWarningMessage(
        `Codex: ${empty} (looked at ${where}). Start Ollama or LM Studio with a model, or add its URL to the codex.localModelServers setting.`,
        'Open config.toml',
      );
      if (open) await vscode.commands.executeCommand(SETUP_COMMANDS.openConfig);
      return;
    }
    const picked = await vscode.window.showQuickPick(choices, { title: 'Codex: choose a local model', placeHolder: 'Models the local servers have installed' });
    if (!picked) return;
    await chooseLocalModel(picked.server, picked.model);
  };

  const chooseLocalModel = async (server: LocalServer, model: string) => {
    await client.request('config/batchWrite', { edits: localProviderEdits(server, model), reloadUserConfig: true });
    // The open thread keeps the provider it started with: the next prompt starts a new one.
    if (chat.currentThreadId) await chat.newThread();
    chat.useModel(model);
    await account.refresh();
    void vscode.window.showInformationMessage(`Codex: new threads use ${model} on ${server.name}.`);
  };

  const openConfigToml = async () => {
    if (remoteServerInUse()) throw new Error('config.toml is on the remote server’s machine; edit it there.');
    const read = await client.request('config/read', { includeLayers: true });
    // Layers are typed loosely by the contract: read the user layer's `name: {type: 'user', file}`.
    const names = (read.layers ?? []).map((layer) => (layer as { name?: { type?: unknown; file?: unknown } }).name);
    const user = names.find((name) => name?.type === 'user');
    const file = typeof user?.file === 'string' ? user.file : undefined;
    if (!file) throw new Error('The server did not report where its config.toml is.');
    ensureConfigFile(file);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false, preserveFocus: true });
  };

  const useOfficialServer = async () => {
    const found = await findCodexBinaries(process.env.PATH ?? '');
    const browse = { label: '$(folder-opened) Browse…', description: 'Choose the codex binary', binary: '' };
    const picked = await vscode.window.showQuickPick([...found.map((binary) => ({ label: binary, description: 'codex on PATH', binary })), browse], {
      title: 'Codex: use the official Codex server',
      placeHolder: found.length ? 'The codex binary to run as the app-server' : 'No codex binary on PATH: browse for it',
    });
    if (!picked) return;
    let binary = picked.binary;
    if (!binary) {
      const uris = await vscode.window.showOpenDialog({ title: 'The codex binary', canSelectMany: false, openLabel: 'Use this codex' });
      if (!uris?.length) return;
      binary = uris[0].fsPath;
    }
    const config = vscode.workspace.getConfiguration('codex');
    await config.update('serverArgs', ['app-server'], vscode.ConfigurationTarget.Global);
    // Changing the server path restarts the server with it (createClient).
    await config.update('serverPath', binary, vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage(`Codex: using the official server (${binary}). Sign in with ChatGPT from its own flow, or with an API key here.`);
  };

  const signOut = async () => {
    await client.request('account/logout', undefined);
    await account.refresh();
    void vscode.window.showInformationMessage('Codex: signed out; the saved API key was removed.');
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(SETUP_COMMANDS.apiKey, guarded(signInWithApiKey)),
    vscode.commands.registerCommand(SETUP_COMMANDS.localModel, guarded(useLocalModel)),
    vscode.commands.registerCommand(SETUP_COMMANDS.openConfig, guarded(openConfigToml)),
    vscode.commands.registerCommand(SETUP_COMMANDS.officialServer, guarded(useOfficialServer)),
    vscode.commands.registerCommand(SIGN_OUT_COMMAND, guarded(signOut)),
  );
}
