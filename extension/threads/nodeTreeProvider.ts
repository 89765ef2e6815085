/**
 * The tree-data scaffolding shared by the Threads and Hooks views: the roots
 * come from a model's `nodes()`, container nodes carry their `children`, and
 * `fire()` redraws the whole tree after the model changed.
 */
import * as vscode from 'vscode';
import type { AppServerClient } from '../services';

export interface NodeSource<N> {
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

/** Loads the view now when connected, and again whenever the client (re)connects. */
export function refreshOnConnect(client: Pick<AppServerClient, 'state' | 'onDidChangeState'>, refresh: () => Promise<void>): vscode.Disposable {
  if (client.state === 'connected') void refresh();
  return client.onDidChangeState((state) => {
    if (state === 'connected') void refresh();
  });
}
