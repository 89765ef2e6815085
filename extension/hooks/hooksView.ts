/**
 * The "Hooks" tree view (`codex.hooks`): a thin `vscode` adapter over
 * `HookListModel`, with trust / disable / enable / open-definition actions
 * and a badge counting hooks that need review.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppServerClient, ExtensionServices } from '../services';
import { registerGuardedCommands, type CommandHandlers } from '../commands/guardedCommands';
import { NodeTreeProvider, describeTree, followServerState, retryItem, statusMessageItem, type ViewSnapshot } from '../threads/nodeTreeProvider';
import { HookListModel, type HookListStatus } from './hookListModel';
import { eventDisplayName, findHookDefinitionLine, hookCommandText, type HookInfo, type HookNode } from './hookModel';
import { agree } from '../../shared/plural';
import { hooksBadgeTooltip } from '../status/badgeText';

const TRUST_ICONS = {
  trusted: new vscode.ThemeIcon('verified', new vscode.ThemeColor('testing.iconPassed')),
  needsReview: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  disabled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  managed: new vscode.ThemeIcon('lock'),
} as const;

export class HooksTreeProvider extends NodeTreeProvider<HookNode> {
  getTreeItem(node: HookNode): vscode.TreeItem {
    switch (node.kind) {
      case 'event': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `event:${node.eventName}`;
        item.iconPath = new vscode.ThemeIcon('zap');
        if (node.needsReview) item.description = `${node.needsReview} ${agree(node.needsReview, 'needs', 'need')} review`;
        return item;
      }
      case 'source': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(node.source === 'managed' ? 'lock' : node.source === 'project' ? 'folder' : node.source === 'plugin' ? 'extensions' : 'account');
        return item;
      }
      case 'hook': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `hook:${node.hook.key}`;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.contextValue = node.contextValue;
        item.iconPath = node.lastRun?.status === 'running' ? new vscode.ThemeIcon('loading~spin') : TRUST_ICONS[node.trust];
        item.command = { command: 'codex.hooks.openDefinition', title: 'Open Hook Definition', arguments: [node] };
        return item;
      }
      case 'message':
        return statusMessageItem(node.text, node.severity);
      case 'retry':
        return retryItem(node.label, 'codex.hooks.refresh', 'Ask the Codex server for the hooks again');
    }
  }
}

function hookOf(model: HookListModel, arg: unknown): HookInfo | undefined {
  if (typeof arg === 'string') return model.find(arg);
  if (arg && typeof arg === 'object' && (arg as HookNode).kind === 'hook') return model.find((arg as Extract<HookNode, { kind: 'hook' }>).hook.key);
  return undefined;
}

function workspaceCwds(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/**
 * CODEX_HOME as the connected server reports it (`initialize`), else as the
 * server would resolve it: `codex.serverEnv`, the environment, `~/.codex`.
 */
function codexHomeOf(client: AppServerClient): string {
  const reported = (client as { initializeResult?: { codexHome?: unknown } }).initializeResult?.codexHome;
  if (typeof reported === 'string' && reported) return reported;
  const serverEnv = vscode.workspace.getConfiguration('codex').get<Record<string, string>>('serverEnv', {});
  return serverEnv.CODEX_HOME || process.env.CODEX_HOME || path.join(os.homedir(), '.codex');
}

const HOOK_FILES = '{config.toml,hooks.json}';
/** Coalesces the burst of watcher events one save makes. */
const FILE_CHANGE_DEBOUNCE_MS = 150;

/** What the installed Hooks view shows, for integration tests (through the extension's exports). */
export interface HooksViewHandle extends vscode.Disposable {
  readonly status: HookListStatus;
  snapshot(): ViewSnapshot;
}

export function registerHooksView(services: ExtensionServices): HooksViewHandle {
  const { client } = services;
  const disposables: vscode.Disposable[] = [];
  let provider: HooksTreeProvider | undefined;
  let view: vscode.TreeView<HookNode> | undefined;
  const updateBadge = () => {
    if (!view) return;
    const count = model.needsReview;
    view.badge = count ? { value: count, tooltip: hooksBadgeTooltip(count) } : undefined;
  };
  const model = new HookListModel(client.request.bind(client), workspaceCwds, () => {
    provider?.fire();
    updateBadge();
  });
  provider = new HooksTreeProvider(model);
  view = vscode.window.createTreeView('codex.hooks', { treeDataProvider: provider });
  disposables.push(view);

  disposables.push(client.onNotification('hook/started', (params) => model.applyNotification('hook/started', params)));
  disposables.push(client.onNotification('hook/completed', (params) => model.applyNotification('hook/completed', params)));

  // Hook files changed on disk change what runs (and their trust): re-list, once per burst.
  // Only while connected: the next connection lists them anyway.
  let fileChangeTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = () => {
    clearTimeout(fileChangeTimer);
    fileChangeTimer = setTimeout(() => {
      fileChangeTimer = undefined;
      if (client.state === 'connected') void model.refresh();
    }, FILE_CHANGE_DEBOUNCE_MS);
  };
  const watch = (watcher: vscode.FileSystemWatcher): vscode.Disposable =>
    vscode.Disposable.from(watcher, watcher.onDidChange(refreshSoon), watcher.onDidCreate(refreshSoon), watcher.onDidDelete(refreshSoon));
  // Project files (`.codex/config.toml`, `.codex/hooks.json`) live in the workspace; a deleted
  // `.codex` folder is reported as the folder alone, not the files in it…
  disposables.push(watch(vscode.workspace.createFileSystemWatcher('**/{config.toml,hooks.json,.codex}')));
  // …the user's live in CODEX_HOME, usually outside it: watched on their own, re-aimed after each connection.
  let userWatcher: { home: string; disposable: vscode.Disposable } | undefined;
  const watchCodexHome = () => {
    const home = codexHomeOf(client);
    if (userWatcher?.home === home) return;
    userWatcher?.disposable.dispose();
    userWatcher = { home, disposable: watch(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(home), HOOK_FILES))) };
  };
  watchCodexHome();
  disposables.push(
    followServerState(client, (ready, downReason) => {
      if (ready) watchCodexHome();
      void model.setServerReady(ready, downReason);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(refreshSoon),
    vscode.workspace.onDidSaveTextDocument((doc) => /(hooks\.json|config\.toml)$/.test(doc.fileName) && refreshSoon()),
    { dispose: () => (clearTimeout(fileChangeTimer), userWatcher?.disposable.dispose()) },
  );

  const requireHook = (arg: unknown): HookInfo => {
    const selected = view?.selection[0];
    const hook = hookOf(model, arg) ?? (selected?.kind === 'hook' ? model.find(selected.hook.key) : undefined);
    if (!hook) throw new Error('Select a hook in the Hooks view first.');
    return hook;
  };

  const commands: CommandHandlers = {
    'codex.hooks.refresh': () => model.refresh(),
    'codex.hooks.trust': async (arg) => {
      const hook = requireHook(arg);
      if (hook.isManaged) throw new Error('Managed hooks are trusted by your administrator.');
      const changed = hook.trustStatus === 'modified' ? ' It changed since you last trusted it.' : '';
      const answer = await vscode.window.showWarningMessage(
        `Trust this ${eventDisplayName(hook.eventName)} hook? It will run automatically.${changed}`,
        { modal: true, detail: `${hookCommandText(hook)}\n\nDefined in ${hook.sourcePath}` },
        'Trust',
      );
      if (answer === 'Trust') await model.trust(hook);
    },
    'codex.hooks.disable': (arg) => model.setEnabled(requireHook(arg), false),
    'codex.hooks.enable': (arg) => model.setEnabled(requireHook(arg), true),
    'codex.hooks.openDefinition': async (arg) => {
      const hook = requireHook(arg);
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(hook.sourcePath));
      const line = findHookDefinitionLine(document.getText(), hook);
      const range = document.lineAt(Math.min(line, document.lineCount - 1)).range;
      await vscode.window.showTextDocument(document, { selection: range, preview: true, preserveFocus: true });
    },
  };
  disposables.push(...registerGuardedCommands(commands));

  const disposable = vscode.Disposable.from(...disposables);
  services.context.subscriptions.push(disposable);
  return {
    dispose: () => disposable.dispose(),
    get status() {
      return model.status;
    },
    snapshot: () => describeTree(provider!),
  };
}
