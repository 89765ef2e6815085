/**
 * Activation: builds the shared ExtensionServices (client, chat, output
 * channel) and hands them to each feature's `register…(services)` function.
 * Features add ONE line to the list below.
 */
import * as vscode from 'vscode';
import { createClient } from './client/createClient';
import { createChat } from './chat/registerChat';
import type { ExtensionServices } from './services';
import { registerRemote, remoteTransportFactory } from './remote/remoteConnection';
import { registerThreadsView } from './threads/threadsView';
import { registerHooksView } from './hooks/hooksView';
import { registerMcpView } from './mcp/mcpView';
import { registerCommands } from './commands/registerCommands';
import { registerStatusBar } from './status/statusBar';
import { registerDiffReview } from './diff/registerDiffReview';
import { registerReview } from './review/registerReview';
import { registerAccount } from './account/registerAccount';
import { registerWelcome } from './welcome/registerWelcome';

let activeServices: { stop(): Promise<void> } | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionServices {
  const output = vscode.window.createOutputChannel('Codex Server');
  context.subscriptions.push(output);
  const client = createClient(context, output, remoteTransportFactory(context));
  const chat = createChat(context, client, output);
  const services: ExtensionServices = { context, client, chat, output };

  context.subscriptions.push(
    vscode.commands.registerCommand('codex.restartServer', () =>
      client.restart().catch((error: Error) => void vscode.window.showErrorMessage(`Codex: ${error.message}`)),
    ),
    vscode.commands.registerCommand('codex.showServerLog', () => output.show(true)),
  );

  // ── Features (one line each) ──
  registerRemote(services);
  const threadsView = registerThreadsView(services);
  const hooksView = registerHooksView(services);
  const mcpView = registerMcpView(services);
  registerCommands(services);
  registerStatusBar(services);
  registerDiffReview(services);
  const review = registerReview(services);
  registerWelcome(services, registerAccount(services));

  activeServices = { stop: () => client.dispose() };
  void client.start().catch((error: Error) => output.appendLine(`[client] ${error.message}`));
  // The views' shown rows, read by the integration tests (test/integration/views.itest.ts).
  return Object.assign(services, { views: { threads: threadsView, hooks: hooksView, mcp: mcpView }, review });
}

export async function deactivate(): Promise<void> {
  await activeServices?.stop();
  activeServices = undefined;
}
