/** Registers the `codex.chat` view and builds the ChatController behind it. */
import * as vscode from 'vscode';
import type { CodexClient } from '../client/codexClient';
import { ChatControllerImpl } from './chatController';
import { CHAT_VIEW_ID, ChatViewProvider } from './chatViewProvider';
import { VscodeChatHost } from './vscodeChatHost';
import { ServerRequestRouter } from './serverRequestRouter';
import { openChatTab, type ChatTabDeps } from './chatTabs';

export function createChat(context: vscode.ExtensionContext, client: CodexClient, output: vscode.OutputChannel): ChatControllerImpl {
  const provider = new ChatViewProvider(context.extensionUri);
  const host = new VscodeChatHost(context, provider, output);
  // Approvals go to the chat (side bar or tab) showing their thread.
  const router = new ServerRequestRouter(client);
  let sidebar: ChatControllerImpl | undefined;
  const controller = new ChatControllerImpl(router.clientFor(client, () => sidebar?.currentThreadId), host);
  sidebar = controller;
  const tabDeps: ChatTabDeps = { context, client, router, sidebar: provider, output };
  provider.setController(controller);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    { dispose: () => controller.dispose() },
    vscode.commands.registerCommand('codex.focusChat', () => controller.reveal(false)),
    vscode.commands.registerCommand('codex.newThread', () => controller.newThread()),
    vscode.commands.registerCommand('codex.interruptTurn', () => controller.interrupt()),
    // The side bar's thread, if any, continues in the tab; several tabs can show different threads.
    vscode.commands.registerCommand('codex.openChatInEditor', () => openChatTab(tabDeps, controller.currentThreadId)),
    // The Threads view's "Open in New Tab" (not in the palette: it needs a thread id).
    vscode.commands.registerCommand('codex.openChatInEditor.thread', (threadId: string) => openChatTab(tabDeps, threadId)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (['codex.model', 'codex.approvalPolicy', 'codex.sandboxMode'].some((key) => event.affectsConfiguration(key))) controller.reloadSettings();
    }),
  );
  return controller;
}
