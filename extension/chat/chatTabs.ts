/**
 * The chat in editor tabs ("Codex: Open Chat in Editor", Threads view "Open
 * in New Tab"). Each tab is a webview panel with its own controller, thread
 * and composer state, on the shared client; approvals reach the tab showing
 * their thread (ServerRequestRouter). After a server restart each controller
 * resumes its own thread, as the side bar does.
 */
import * as vscode from 'vscode';
import type { CodexClient } from '../client/codexClient';
import type { WebviewToHost } from '../../webview/protocol';
import { ChatControllerImpl } from './chatController';
import type { ChatViewProvider } from './chatViewProvider';
import { chatHtml } from './html';
import type { ServerRequestRouter } from './serverRequestRouter';
import { VscodeChatHost } from './vscodeChatHost';

/** A host for one tab: the panel is its view; the workspace's saved thread and context keys stay the side bar's. */
class TabChatHost extends VscodeChatHost {
  private pending = 0;
  constructor(context: vscode.ExtensionContext, sidebar: ChatViewProvider, output: vscode.OutputChannel, private readonly panel: vscode.WebviewPanel) {
    super(context, sidebar, output);
  }
  override async reveal(preserveFocus: boolean): Promise<void> {
    this.panel.reveal(undefined, preserveFocus);
  }
  override isViewVisible(): boolean {
    return this.panel.visible;
  }
  override setAttention(pendingApprovals: number, latestTitle?: string): void {
    if (pendingApprovals > this.pending && latestTitle && !this.panel.visible) {
      void vscode.window.showWarningMessage(`Codex is waiting for approval in "${this.panel.title}": ${latestTitle}`, 'Show').then((choice) => {
        if (choice === 'Show') this.panel.reveal();
      });
    }
    this.pending = pendingApprovals;
  }
  override saveThreadId(): void {}
  override savedThreadId(): string | undefined {
    return undefined;
  }
  override setContext(): void {}
}

export interface ChatTabDeps {
  context: vscode.ExtensionContext;
  client: CodexClient;
  router: ServerRequestRouter;
  sidebar: ChatViewProvider;
  output: vscode.OutputChannel;
}

/** Opens a chat tab, on `threadId` when given (else a new thread starts with its first prompt). */
export async function openChatTab(deps: ChatTabDeps, threadId?: string): Promise<ChatControllerImpl> {
  const dist = vscode.Uri.joinPath(deps.context.extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel('codex.chatTab', 'Codex Chat', vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [dist],
  });
  panel.iconPath = vscode.Uri.joinPath(deps.context.extensionUri, 'media', 'codex.svg');
  const webview = panel.webview;
  webview.html = chatHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
  });
  let controller: ChatControllerImpl | undefined;
  const client = deps.router.clientFor(deps.client, () => controller?.currentThreadId);
  controller = new ChatControllerImpl(client, new TabChatHost(deps.context, deps.sidebar, deps.output, panel));
  const tab = controller;
  tab.attachView((message) => void webview.postMessage(message));
  const subscriptions = [
    webview.onDidReceiveMessage((message: WebviewToHost) => void tab.handleWebviewMessage(message)),
    tab.onDidChangeThread(() => {
      const title = tab.sessionInfo().threadTitle;
      panel.title = title ? `Codex: ${title.slice(0, 40)}` : 'Codex Chat';
    }),
  ];
  panel.onDidDispose(() => {
    for (const subscription of subscriptions) subscription.dispose();
    tab.detachView();
    tab.dispose();
  });
  if (threadId) await tab.openThread(threadId);
  return tab;
}
