/**
 * The "MCP Servers" tree view (`codex.mcp`): a thin `vscode` adapter over
 * `McpServerModel`. Each server shows its state (starting / ready / failed
 * with the reason), its tools and resources; actions reload the config, open
 * the server's entry in config.toml and copy a failed server's error.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppServerClient, ExtensionServices } from '../services';
import { registerGuardedCommands, type CommandHandlers } from '../commands/guardedCommands';
import { NodeTreeProvider, describeTree, followServerState, retryItem, statusMessageItem, type ViewSnapshot } from '../threads/nodeTreeProvider';
import { findServerEntryLine, McpServerModel, type McpListStatus, type McpNode } from './mcpModel';

const STATE_ICONS = {
  starting: new vscode.ThemeIcon('loading~spin'),
  ready: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  disabled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
} as const;

export class McpTreeProvider extends NodeTreeProvider<McpNode> {
  getTreeItem(node: McpNode): vscode.TreeItem {
    switch (node.kind) {
      case 'server': {
        const item = new vscode.TreeItem(node.name, node.children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `mcp:${node.name}`;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.iconPath = STATE_ICONS[node.state];
        item.contextValue = `mcpServer.${node.state}`;
        return item;
      }
      case 'tool': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = `mcp:${node.server}:tool:${node.name}`;
        item.description = node.description;
        item.tooltip = node.description || node.name;
        item.iconPath = new vscode.ThemeIcon('tools');
        item.contextValue = 'mcpTool';
        return item;
      }
      case 'resource': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `mcp:${node.server}:resource:${node.uri}`;
        item.description = node.description;
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'mcpResource';
        return item;
      }
      case 'message':
        return statusMessageItem(node.text, node.severity);
      case 'retry':
        return retryItem(node.label, 'codex.mcp.reload', 'Ask the Codex server for the MCP servers again');
    }
  }
}

/** CODEX_HOME as the connected server reports it, else as the server would resolve it. */
function codexHomeOf(client: AppServerClient): string {
  const reported = (client as { initializeResult?: { codexHome?: unknown } }).initializeResult?.codexHome;
  if (typeof reported === 'string' && reported) return reported;
  const serverEnv = vscode.workspace.getConfiguration('codex').get<Record<string, string>>('serverEnv', {});
  return serverEnv.CODEX_HOME || process.env.CODEX_HOME || path.join(os.homedir(), '.codex');
}

/** What the installed view shows, for integration tests (through the extension's exports). */
export interface McpViewHandle extends vscode.Disposable {
  readonly status: McpListStatus;
  snapshot(): ViewSnapshot;
}

export function registerMcpView(services: ExtensionServices): McpViewHandle {
  const { client, chat } = services;
  const disposables: vscode.Disposable[] = [];
  let provider: McpTreeProvider | undefined;
  const model = new McpServerModel(client.request.bind(client), () => chat.currentThreadId, () => provider?.fire());
  provider = new McpTreeProvider(model);
  const view = vscode.window.createTreeView('codex.mcp', { treeDataProvider: provider });
  disposables.push(view);
  disposables.push(
    client.onNotification('mcpServer/startupStatus/updated', (params) => {
      // Only the open thread's servers (or servers outside any thread) are this view's.
      if (!params.threadId || params.threadId === chat.currentThreadId) model.applyStartupStatus(params);
    }),
    chat.onDidChangeThread(() => client.state === 'connected' && void model.refresh()),
    followServerState(client, (ready, downReason) => void model.setServerReady(ready, downReason)),
  );

  const serverName = (arg: unknown): string => {
    if (arg && typeof arg === 'object' && (arg as McpNode).kind === 'server') return (arg as Extract<McpNode, { kind: 'server' }>).name;
    if (typeof arg === 'string') return arg;
    const selected = view.selection[0];
    if (selected?.kind === 'server') return selected.name;
    throw new Error('Select an MCP server in the MCP Servers view first.');
  };

  const commands: CommandHandlers = {
    'codex.mcp.reload': () => model.reload(),
    'codex.mcp.openConfig': async (arg) => {
      const name = serverName(arg);
      const file = path.join(codexHomeOf(client), 'config.toml');
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const line = findServerEntryLine(document.getText(), name);
      if (line < 0) throw new Error(`[mcp_servers.${name}] is not in ${file} (it may come from a project's .codex/config.toml or a -c flag).`);
      await vscode.window.showTextDocument(document, { selection: document.lineAt(line).range, preview: true, preserveFocus: true });
    },
    'codex.mcp.copyError': async (arg) => {
      const name = serverName(arg);
      const error = model.find(name)?.error;
      if (!error) throw new Error(`${name} has no error to copy.`);
      await vscode.env.clipboard.writeText(error);
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
