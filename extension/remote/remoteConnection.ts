/**
 * The VS Code side of remote servers: the `codex.remoteUrl` setting, the
 * token in Secret Storage (never in settings), and the
 * "Codex: Set Remote Server Token" command.
 */
import * as vscode from 'vscode';
import type { TransportFactory } from '../client/transport';
import type { ExtensionServices } from '../services';
import { mayCarryToken, parseRemoteUrl, tokenRefusalMessage, tokenSecretKey } from './remotePolicy';
import { webSocketTransportFactory } from './webSocketTransport';

/** The configured remote URL, or undefined when the extension runs its own server. */
function configuredRemoteUrl(): string | undefined {
  const raw = vscode.workspace.getConfiguration('codex').get<string>('remoteUrl', '').trim();
  return raw ? raw : undefined;
}

async function readRemoteToken(secrets: vscode.SecretStorage, remoteUrl: string): Promise<string | undefined> {
  const checked = parseRemoteUrl(remoteUrl);
  if (!checked.ok) return undefined;
  return (await secrets.get(tokenSecretKey(checked.url))) || undefined;
}

/** Whether the client was built on the remote transport (the URL was set at activation). */
let remoteTransportInUse = false;

export function remoteServerInUse(): boolean {
  return remoteTransportInUse;
}

/**
 * The client's transport when `codex.remoteUrl` is set at activation, else
 * undefined (the local server is spawned). Each (re)connect reads the URL
 * and the token afresh, so a new token or a new remote URL applies on the next
 * reconnect; the client itself retries with its backoff.
 */
export function remoteTransportFactory(context: vscode.ExtensionContext): TransportFactory | undefined {
  const initialUrl = configuredRemoteUrl();
  remoteTransportInUse = initialUrl !== undefined;
  if (!initialUrl) return undefined;
  return () => {
    const url = configuredRemoteUrl() ?? initialUrl;
    return webSocketTransportFactory(url, () => readRemoteToken(context.secrets, url))();
  };
}

/** The remote feature: the token command, and a reload prompt when switching between local and remote. */
export function registerRemote(services: ExtensionServices): void {
  const { context } = services;
  context.subscriptions.push(
    registerRemoteTokenCommand(services),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration('codex.remoteUrl')) return;
      const remoteNow = configuredRemoteUrl() !== undefined;
      if (remoteNow && remoteTransportInUse) {
        // Remote to another remote: reconnect to the new URL.
        await services.client.restart().catch((error: Error) => services.output.appendLine(`[remote] ${error.message}`));
        return;
      }
      const reload = 'Reload Window';
      const choice = await vscode.window.showInformationMessage(
        remoteNow ? 'Reload the window to connect to the remote Codex server.' : 'Reload the window to go back to the local Codex server.',
        reload,
      );
      if (choice === reload) await vscode.commands.executeCommand('workbench.action.reloadWindow');
    }),
  );
}

/** Registers `codex.setRemoteToken`: stores (or, when left empty, deletes) the token of the configured remote. */
function registerRemoteTokenCommand({ context, client, output }: ExtensionServices): vscode.Disposable {
  return vscode.commands.registerCommand('codex.setRemoteToken', async () => {
    const raw = configuredRemoteUrl();
    if (!raw) {
      const open = 'Open Settings';
      const choice = await vscode.window.showWarningMessage('Set "codex.remoteUrl" to a ws:// or wss:// server first.', open);
      if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'codex.remoteUrl');
      return;
    }
    const checked = parseRemoteUrl(raw);
    if (!checked.ok) {
      void vscode.window.showErrorMessage(`codex.remoteUrl: ${checked.error}`);
      return;
    }
    const key = tokenSecretKey(checked.url);
    const token = await vscode.window.showInputBox({
      title: `Token for ${checked.url.host}`,
      prompt: 'Capability token or signed JWT for the remote app-server. Leave empty to remove the stored token.',
      password: true,
      ignoreFocusOut: true,
    });
    if (token === undefined) return; // cancelled
    if (token.trim() === '') {
      await context.secrets.delete(key);
      void vscode.window.showInformationMessage(`Removed the token for ${checked.url.host}.`);
    } else {
      await context.secrets.store(key, token.trim());
      if (!mayCarryToken(checked.url)) {
        void vscode.window.showWarningMessage(`Token saved, but it will not be sent: ${tokenRefusalMessage(checked.url)}`);
        return;
      }
      void vscode.window.showInformationMessage(`Saved the token for ${checked.url.host}.`);
    }
    // Reconnect so the new token takes effect now.
    if (remoteTransportInUse) await client.restart().catch((error: Error) => output.appendLine(`[remote] ${error.message}`));
  });
}
