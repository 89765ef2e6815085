/**
 * The Codex status bar item: connection state, model and the current
 * thread's token usage (from `thread/tokenUsage/updated`); clicking it opens
 * the chat.
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { StatusModel } from './statusModel';


export function registerStatusBar(services: ExtensionServices): vscode.Disposable {
  const { client, chat } = services;
  const model = new StatusModel();
  const item = vscode.window.createStatusBarItem('codex.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Codex';
  item.command = 'codex.focusChat';

  const render = () => {
    const view = model.view();
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  };

  const loadDefaultModel = async () => {
    const configured = vscode.workspace.getConfiguration('codex').get<string>('model');
    if (configured) {
      model.defaultModel = configured;
      return render();
    }
    try {
      const cwd = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? null;
      const result = await client.request('config/read', { includeLayers: false, cwd });
      const configured = result.config.model;
      model.defaultModel = typeof configured === 'string' ? configured : undefined;
    } catch {
      model.defaultModel = undefined; // the model shows once a thread reports it
    }
    render();
  };

  // A resumed thread announces no thread/started here: ask the server which model it uses.
  const loadThreadModel = async (threadId: string) => {
    try {
      const { thread } = await client.request('thread/read', { threadId, includeTurns: false });
      if (thread.model) model.setThreadModel(threadId, thread.model);
      render();
    } catch {
      // Unknown or unloaded thread: keep showing the default model.
    }
  };

  const onState = (state: typeof client.state) => {
    model.connection = state;
    render();
    if (state === 'connected') void loadDefaultModel();
  };

  const disposables: vscode.Disposable[] = [item, client.onDidChangeState(onState)];
  disposables.push(client.onAnyNotification((...notification) => model.applyNotification(...notification) && render()));
  disposables.push(
    chat.onDidChangeThread((threadId) => {
      model.currentThreadId = threadId;
      render();
      if (threadId && !model.knowsModelOf(threadId)) void loadThreadModel(threadId);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('codex.model') && void loadDefaultModel()),
  );
  model.currentThreadId = chat.currentThreadId;
  onState(client.state);
  item.show();

  const disposable = vscode.Disposable.from(...disposables);
  services.context.subscriptions.push(disposable);
  return disposable;
}
