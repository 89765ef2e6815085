/**
 * The tree-data scaffolding shared by the Threads and Hooks views: the roots
 * come from a model's `nodes()`, container nodes carry their `children`, and
 * `fire()` redraws the whole tree after the model changed.
 */
import * as vscode from 'vscode';
import type { AppServerClient } from '../services';

interface NodeSource<N> {
  nodes(): N[];
}

export abstract class NodeTreeProvider<N extends object> implements vscode.TreeDataProvider<N> {
  private readonly changed = new vscode.EventEmitter<N | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(protected readonly model: NodeSource<N>) {}

  fire(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: N): N[] {
    if (!node) return this.model.nodes();
    return 'children' in node && Array.isArray(node.children) ? (node.children as N[]) : [];
  }

  abstract getTreeItem(node: N): vscode.TreeItem;
}

/** How a view says what state it is in (waiting, loading, failed, empty). */
type StatusSeverity = 'error' | 'warning' | 'info' | 'loading';

const STATUS_ICONS: Record<StatusSeverity, string> = { error: 'error', warning: 'warning', info: 'info', loading: 'loading~spin' };

/** A one-line status row; its id keeps VS Code from reusing the row of another message. */
export function statusMessageItem(text: string, severity: StatusSeverity = 'info'): vscode.TreeItem {
  const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
  item.id = `message:${severity}:${text}`;
  item.iconPath = new vscode.ThemeIcon(STATUS_ICONS[severity]);
  item.tooltip = text;
  return item;
}

/** The "Retry" row under a load failure: runs the view's refresh command. */
export function retryItem(label: string, refreshCommand: string, tooltip: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = 'retry';
  item.iconPath = new vscode.ThemeIcon('refresh');
  item.tooltip = tooltip;
  item.command = { command: refreshCommand, title: label };
  return item;
}

/**
 * Tells a view whether the server is ready now and on every change, so it
 * loads as soon as the server is connected (first start and each restart)
 * and says it is waiting while it is not. `downReason` is set when the
 * server died or could not start (the client retries with a backoff).
 */
export function followServerState(
  client: Pick<AppServerClient, 'state' | 'onDidChangeState'>,
  onChange: (ready: boolean, downReason: string | undefined) => void,
): vscode.Disposable {
  const report = () => onChange(client.state === 'connected', serverDownReason(client));
  report();
  return client.onDidChangeState(report);
}

/** Why the server is down, when it died or failed to start; undefined while connected, starting or stopped on purpose. */
function serverDownReason(client: Pick<AppServerClient, 'state'>): string | undefined {
  if (client.state !== 'disconnected') return undefined;
  // CodexClient knows how the last server exited; other clients only that it is down.
  const lastExit = (client as { lastExit?: unknown }).lastExit;
  return typeof lastExit === 'string' && lastExit ? `The Codex server ${lastExit}.` : 'The Codex server is not running.';
}

/** One shown row: its depth, label and description, as a user reads the tree. */
interface ViewRow {
  depth: number;
  id?: string;
  label: string;
  description?: string;
  command?: string;
}

export interface ViewSnapshot {
  rows: ViewRow[];
  /** The rows as indented text, for test failure messages. */
  text: string;
}

/** The whole tree as the provider gives it to VS Code (every node expanded). */
export function describeTree<N extends object>(provider: NodeTreeProvider<N>): ViewSnapshot {
  const rows: ViewRow[] = [];
  const walk = (nodes: N[], depth: number) => {
    for (const node of nodes) {
      const item = provider.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const description = typeof item.description === 'string' ? item.description : undefined;
      rows.push({ depth, id: item.id, label, description, command: item.command?.command });
      walk(provider.getChildren(node), depth + 1);
    }
  };
  walk(provider.getChildren(), 0);
  const text = rows.map((row) => `${'  '.repeat(row.depth)}${row.label}${row.description ? ` — ${row.description}` : ''}`).join('\n');
  return { rows, text };
}
