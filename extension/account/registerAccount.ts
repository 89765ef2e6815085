/**
 * Sign-in state in VS Code: feeds the chat (welcome card) and a status bar
 * item that names the account or provider in use ("OpenAI API key",
 * "Ollama"…, or "Sign in" while none is usable).
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { remoteServerInUse } from '../remote/remoteConnection';
import { AccountState, type AccountSnapshot } from './accountState';

/** A key in the environment the local server inherits (or in `codex.serverEnv`) makes sign-in unnecessary. */
function serverEnvHas(name: string): boolean {
  // A remote server's environment is not known here: it says itself whether requests fail.
  if (remoteServerInUse()) return true;
  const serverEnv = vscode.workspace.getConfiguration('codex').get<Record<string, string>>('serverEnv', {});
  return Boolean(serverEnv[name] || process.env[name]);
}

export function statusText(snapshot: AccountSnapshot): { text: string; tooltip: string } {
  if (snapshot.needsSetup) return { text: '$(account) Codex: Sign in', tooltip: 'Codex has no usable model provider or credentials. Click to set one up.' };
  const provider = snapshot.providerName ? `Provider: ${snapshot.providerName}` : '';
  return { text: `$(account) ${snapshot.label ?? snapshot.providerName ?? 'Codex'}`, tooltip: ['Codex account', snapshot.signedIn ? `Signed in with ${snapshot.label}` : '', provider].filter(Boolean).join('\n') };
}

export function registerAccount(services: ExtensionServices): AccountState {
  const { client, chat, output } = services;
  const state = new AccountState(client, serverEnvHas, (line) => output.appendLine(`[account] ${line}`));
  const item = vscode.window.createStatusBarItem('codex.account', vscode.StatusBarAlignment.Right, 99);
  item.name = 'Codex Account';
  item.command = 'codex.focusChat';
  const render = (snapshot: AccountSnapshot) => {
    chat.setAccount({ needsSetup: snapshot.needsSetup, label: snapshot.label });
    const { text, tooltip } = statusText(snapshot);
    item.text = text;
    item.tooltip = tooltip;
    item.backgroundColor = snapshot.needsSetup ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (client.state === 'connected') item.show();
  };
  services.context.subscriptions.push(
    item,
    state,
    state.onDidChange(render),
    client.onDidChangeState((s) => s !== 'connected' && item.hide()),
    // Whatever changes the provider (config.toml saved, the server replaced) is read again.
    vscode.workspace.onDidSaveTextDocument((document) => document.fileName.endsWith('config.toml') && void state.refresh()),
  );
  return state;
}
