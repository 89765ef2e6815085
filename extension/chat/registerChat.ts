/** Registers the `codex.chat` view and builds the ChatController behind it. */
import * as vscode from 'vscode';
import type { CodexClient } from '../client/codexClient';
import { ChatControllerImpl } from './chatController';
import { CHAT_VIEW_ID, ChatViewProvider } from './chatViewProvider';
import { VscodeChatHost } from './vscodeChatHost';

export function createChat(context: vscode.ExtensionContext, client: CodexClient, output: vscode.OutputChannel): ChatControllerImpl {
  const provider = new ChatViewProvider(context.extensionUri);
  const host = new VscodeChatHost(context, provider, output);
  const controller = new ChatControllerImpl(client, host);
  provider.setController(controller);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    { dispose: () => controller.dispose() },
    vscode.commands.registerCommand('codex.focusChat', () => controller.reveal(false)),
    vscode.commands.registerCommand('codex.newThread', () => controller.newThread()),
    vscode.commands.registerCommand('codex.interruptTurn', () => controller.interrupt()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (['codex.model', 'codex.approvalPolicy', 'codex.sandboxMode'].some((key) => event.affectsConfiguration(key))) controller.reloadSettings();
    }),
  );
  return controller;
}
