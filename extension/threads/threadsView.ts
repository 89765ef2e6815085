/**
 * The "Threads" tree view (`codex.threads`): a thin `vscode` adapter over
 * `ThreadListModel`, with the thread actions of the view's menus.
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { registerGuardedCommands, type CommandHandlers } from '../commands/guardedCommands';
import { NodeTreeProvider, describeTree, followServerState, retryItem, statusMessageItem, type ViewSnapshot } from './nodeTreeProvider';
import { ThreadListModel, type ThreadNode, type ThreadSummary } from './threadModel';
import type { ServerNotificationMethod } from '../../protocol';
import { withoutAddedContext } from '../../shared/addedContext';

/** What the model follows; `item/completed` and `turn/completed` bring a new thread's preview and times. */
const FOLLOWED_NOTIFICATIONS: ReadonlySet<ServerNotificationMethod> = new Set<ServerNotificationMethod>([
  'thread/started',
  'thread/name/updated',
  'thread/archived',
  'thread/unarchived',
  'thread/deleted',
  'thread/status/changed',
  'item/completed',
  'turn/completed',
]);

export class ThreadsTreeProvider extends NodeTreeProvider<ThreadNode> {
  constructor(
    model: ThreadListModel,
    private readonly currentThreadId: () => string | undefined,
  ) {
    super(model);
  }

  getTreeItem(node: ThreadNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.label}`;
        return item;
      }
      case 'archivedSection': {
        const item = new vscode.TreeItem('Archived', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'archived';
        item.iconPath = new vscode.ThemeIcon('archive');
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `loadMore:${node.archived}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'codex.threads.loadMore', title: 'Load More Threads', arguments: [node] };
        return item;
      }
      case 'message':
        return statusMessageItem(node.text, node.severity);
      case 'retry':
        return retryItem(node.label, 'codex.threads.refresh', 'Ask the Codex server for the threads again');
      case 'thread': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `thread:${node.thread.id}`;
        const current = node.thread.id === this.currentThreadId();
        item.description = current ? `${node.description} · open` : node.description;
        const color = node.status.kind === 'error' ? new vscode.ThemeColor('errorForeground') : undefined;
        item.iconPath = new vscode.ThemeIcon(node.status.icon, color);
        item.contextValue = node.archived ? 'thread.archived' : 'thread';
        item.tooltip = threadTooltip(node.thread, node.status.text);
        item.command = { command: 'codex.threads.open', title: 'Open Thread', arguments: [node] };
        return item;
      }
    }
  }
}

function threadTooltip(thread: ThreadSummary, status: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendText(thread.name ?? withoutAddedContext(thread.preview ?? ''));
  md.appendMarkdown('\n\n');
  md.appendText(`Updated ${new Date(thread.updatedAt * 1000).toLocaleString()}${status ? ` · ${status}` : ''}\n`);
  md.appendText(`${thread.cwd}\n${thread.id}`);
  return md;
}

/** A command argument: the tree node, or a thread id when run from elsewhere. */
function threadOf(model: ThreadListModel, arg: unknown): ThreadSummary | undefined {
  if (typeof arg === 'string') return model.find(arg);
  if (arg && typeof arg === 'object' && (arg as ThreadNode).kind === 'thread') return (arg as Extract<ThreadNode, { kind: 'thread' }>).thread;
  return undefined;
}

/** What the installed Threads view shows, for integration tests (through the extension's exports). */
export interface ThreadsViewHandle extends vscode.Disposable {
  snapshot(): ViewSnapshot;
}

export function registerThreadsView(services: ExtensionServices): ThreadsViewHandle {
  const { client, chat } = services;
  const disposables: vscode.Disposable[] = [];
  let provider: ThreadsTreeProvider | undefined;
  const model = new ThreadListModel(client.request.bind(client), () => provider?.fire());
  provider = new ThreadsTreeProvider(model, () => chat.currentThreadId);
  const view = vscode.window.createTreeView('codex.threads', { treeDataProvider: provider });
  disposables.push(view);

  disposables.push({ dispose: () => model.dispose() });

  disposables.push(
    client.onAnyNotification((...notification) => {
      if (FOLLOWED_NOTIFICATIONS.has(notification[0])) model.applyNotification(...notification);
    }),
  );
  disposables.push(
    followServerState(client, (ready, downReason) => void model.setServerReady(ready, downReason)),
    chat.onDidChangeThread(() => provider?.fire()),
  );

  const setSearch = async (term: string | undefined) => {
    await model.setSearchTerm(term);
    view.description = model.searchTerm ? `Search: ${model.searchTerm}` : undefined;
    await vscode.commands.executeCommand('setContext', 'codex.threadSearchActive', !!model.searchTerm);
  };

  const requireThread = (arg: unknown): ThreadSummary => {
    const thread = threadOf(model, arg) ?? (view.selection[0]?.kind === 'thread' ? view.selection[0].thread : undefined);
    if (!thread) throw new Error('Select a thread in the Threads view first.');
    return thread;
  };

  const setArchived = async (arg: unknown, archived: boolean) => {
    const thread = requireThread(arg);
    await client.request(archived ? 'thread/archive' : 'thread/unarchive', { threadId: thread.id });
    // The server confirms with a notification; apply now too so the view never lags.
    model.applyNotification(archived ? 'thread/archived' : 'thread/unarchived', { threadId: thread.id });
  };

  const commands: CommandHandlers = {
    'codex.threads.refresh': () => model.refresh(),
    'codex.threads.search': async () => {
      const term = await vscode.window.showInputBox({ title: 'Search threads', prompt: 'Matches thread titles', value: model.searchTerm ?? '' });
      if (term !== undefined) await setSearch(term);
    },
    'codex.threads.clearSearch': () => setSearch(undefined),
    'codex.threads.loadMore': (node?: ThreadNode) => model.loadMore(node?.kind === 'loadMore' ? node.archived : false),
    'codex.threads.open': async (arg) => {
      const thread = requireThread(arg);
      await chat.openThread(thread.id);
      await chat.reveal();
    },
    'codex.threads.rename': async (arg) => {
      const thread = requireThread(arg);
      const name = await vscode.window.showInputBox({
        title: 'Rename thread',
        value: thread.name ?? withoutAddedContext(thread.preview).split('\n')[0],
        validateInput: (v) => (v.trim() ? undefined : 'The name cannot be empty'),
      });
      if (name === undefined) return;
      await client.request('thread/name/set', { threadId: thread.id, name: name.trim() });
      // The server confirms with thread/name/updated; apply now too so the view never lags.
      model.applyNotification('thread/name/updated', { threadId: thread.id, threadName: name.trim() });
    },
    'codex.threads.fork': async (arg) => {
      const thread = requireThread(arg);
      const forked = await client.request('thread/fork', { threadId: thread.id, excludeTurns: true });
      model.applyNotification('thread/started', { thread: forked.thread });
      await chat.openThread(forked.thread.id);
      await chat.reveal();
    },
    'codex.threads.archive': (arg) => setArchived(arg, true),
    'codex.threads.unarchive': (arg) => setArchived(arg, false),
    'codex.threads.openInNewTab': async (arg) => {
      const thread = requireThread(arg);
      await vscode.commands.executeCommand('codex.openChatInEditor.thread', thread.id);
    },
    'codex.threads.delete': async (arg) => {
      const thread = requireThread(arg);
      const title = thread.name || thread.preview.split('\n')[0] || thread.id;
      const choice = await vscode.window.showWarningMessage(
        `Delete the thread "${title}"?`,
        { modal: true, detail: 'Its rollout file is removed from disk. This cannot be undone.' },
        'Delete',
      );
      if (choice !== 'Delete') return;
      await client.request('thread/delete', { threadId: thread.id });
      // The server confirms with thread/deleted; apply now too so the view never lags.
      model.applyNotification('thread/deleted', { threadId: thread.id });
      if (chat.currentThreadId === thread.id) await chat.newThread();
    },
    'codex.threads.copyId': async (arg) => {
      const thread = requireThread(arg);
      await vscode.env.clipboard.writeText(thread.id);
      vscode.window.setStatusBarMessage(`Copied thread id ${thread.id}`, 3000);
    },
    'codex.threads.revealRollout': async (arg) => {
      const thread = requireThread(arg);
      if (!thread.path) throw new Error('This thread has no rollout file on disk (it may be ephemeral).');
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(thread.path));
      await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true });
    },
  };
  disposables.push(...registerGuardedCommands(commands));
  void vscode.commands.executeCommand('setContext', 'codex.threadSearchActive', false);

  const disposable = vscode.Disposable.from(...disposables);
  services.context.subscriptions.push(disposable);
  return { dispose: () => disposable.dispose(), snapshot: () => describeTree(provider!) };
}
