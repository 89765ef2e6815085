/**
 * Builds the extension's CodexClient: the "Codex Server" output channel gets
 * the server's stderr and the client's log; the transport is the local child
 * process unless another factory (e.g. the remote WebSocket one) is given.
 * Changing `codex.serverPath`/`serverArgs`/`serverEnv` restarts the server.
 */
import * as vscode from 'vscode';
import { CodexClient } from './codexClient';
import { processTransportFactory, serverCommand } from './serverLauncher';
import type { TransportFactory } from './transport';

export function createClient(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
  transportFactory?: TransportFactory,
): CodexClient {
  const factory =
    transportFactory ??
    processTransportFactory(
      () => {
        const config = vscode.workspace.getConfiguration('codex');
        const command = serverCommand(context.extensionPath, {
          serverPath: config.get<string>('serverPath', ''),
          serverArgs: config.get<string[]>('serverArgs', []),
          serverEnv: config.get<Record<string, string>>('serverEnv', {}),
        });
        return { command, cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath };
      },
      (line) => output.appendLine(line),
    );
  const version = String((context.extension?.packageJSON as { version?: string } | undefined)?.version ?? '0.0.0');
  const client = new CodexClient({
    transportFactory: factory,
    clientInfo: { name: 'codex_vscode', title: 'Codex for VS Code', version },
    log: (line) => output.appendLine(line),
  });
  context.subscriptions.push(
    { dispose: () => void client.dispose() },
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!transportFactory && ['codex.serverPath', 'codex.serverArgs', 'codex.serverEnv'].some((key) => event.affectsConfiguration(key))) {
        void client.restart().catch((error: Error) => output.appendLine(`[client] ${error.message}`));
      }
    }),
  );
  return client;
}
