/**
 * The Threads and Hooks views, the palette commands and the status bar are
 * registered by the installed extension in a real VS Code.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { HOOKS_VIEW_COMMANDS, PALETTE_COMMANDS, THREADS_VIEW_COMMANDS } from '../../extension/commands/commandIds';
import { HookListModel } from '../../extension/hooks/hookListModel';
import { HooksTreeProvider } from '../../extension/hooks/hooksView';
import type { ExtensionServices } from '../../extension/services';
import { ThreadListModel } from '../../extension/threads/threadModel';
import { ThreadsTreeProvider } from '../../extension/threads/threadsView';
import { activateCodex, codexHome, waitFor, workspaceRoot } from './index.helpers';

async function connectedServices(): Promise<ExtensionServices> {
  const services = await activateCodex<ExtensionServices>();
  await waitFor(() => services.client.state === 'connected', 15_000, 'the extension connected to its app-server');
  return services;
}

function flatten<T>(provider: vscode.TreeDataProvider<T>, nodes: T[] = provider.getChildren() as T[]): T[] {
  return nodes.flatMap((n) => [n, ...flatten(provider, (provider.getChildren(n) as T[]) ?? [])]);
}

describe('Codex views and commands in a real VS Code', () => {
  it('registers every palette, Threads and Hooks command', async () => {
    await activateCodex();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of [...PALETTE_COMMANDS, ...THREADS_VIEW_COMMANDS, ...HOOKS_VIEW_COMMANDS]) assert.ok(registered.has(id), `${id} is registered`);
  });

  it('refreshes the views and clears a search without errors', async () => {
    await activateCodex();
    await vscode.commands.executeCommand('workbench.view.extension.codex');
    await vscode.commands.executeCommand('codex.threads.refresh');
    await vscode.commands.executeCommand('codex.threads.clearSearch');
    await vscode.commands.executeCommand('codex.hooks.refresh');
  });

  it('shows hooks from the extension\'s own server as tree items, and the live view acts on them', async function () {
    this.timeout(40_000);
    const services = await connectedServices();
    const hooksFile = path.join(codexHome(), 'hooks.json');
    const hooksJson = { hooks: { PreToolUse: [{ matcher: 'shell', hooks: [{ type: 'command', command: 'echo views-itest' }] }] } };
    fs.writeFileSync(hooksFile, JSON.stringify(hooksJson, null, 2));

    const model = new HookListModel(services.client.request.bind(services.client), () => [workspaceRoot()]);
    const provider = new HooksTreeProvider(model);
    await model.refresh();
    const items = flatten(provider).map((node) => ({ node, item: provider.getTreeItem(node) }));
    const event = items.find((i) => i.item.label === 'PreToolUse');
    assert.ok(event, 'an event node');
    const hook = items.find((i) => i.node.kind === 'hook' && i.node.hook.command === 'echo views-itest');
    assert.ok(hook && hook.node.kind === 'hook');
    assert.equal(hook.item.label, '[shell] echo views-itest');
    assert.equal(hook.item.contextValue, 'hook.untrusted.enabled');
    assert.match(String(hook.item.description), /^needs review/);
    assert.equal((hook.item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.equal(hook.item.command?.command, 'codex.hooks.openDefinition');

    // The installed view: refresh, open the definition at its line, disable and enable.
    const key = hook.node.hook.key;
    await vscode.commands.executeCommand('codex.hooks.refresh');
    await vscode.commands.executeCommand('codex.hooks.openDefinition', key);
    const editor = await waitFor(() => (vscode.window.activeTextEditor?.document.uri.fsPath === hooksFile ? vscode.window.activeTextEditor : undefined), 5000, 'hooks.json opened');
    assert.ok(editor.document.lineAt(editor.selection.active.line).text.includes('"command": "echo views-itest"'));
    await vscode.commands.executeCommand('codex.hooks.disable', key);
    await model.refresh();
    assert.equal(model.find(key)?.enabled, false);
    await vscode.commands.executeCommand('codex.hooks.enable', key);
    await model.refresh();
    assert.equal(model.find(key)?.enabled, true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows a started thread as a tree item that opens it', async () => {
    const services = await connectedServices();
    const model = new ThreadListModel(services.client.request.bind(services.client));
    const provider = new ThreadsTreeProvider(model, () => undefined);
    await model.refresh();
    const started = new Promise<any>((resolve) => {
      const subscription = services.client.onNotification('thread/started', (params) => {
        subscription.dispose();
        resolve(params);
      });
    });
    const { thread } = await services.client.request('thread/start', { cwd: workspaceRoot() });
    const notification = await started;
    assert.equal(notification.thread.id, thread.id);
    assert.ok(model.applyNotification('thread/started', notification));
    const node = flatten(provider).find((n) => n.kind === 'thread' && n.thread.id === thread.id);
    assert.ok(node);
    const item = provider.getTreeItem(node);
    assert.equal(item.contextValue, 'thread');
    assert.equal(item.command?.command, 'codex.threads.open');
    assert.match(String(item.description), /just now/);
    const group = flatten(provider).find((n) => n.kind === 'group');
    assert.equal(group && provider.getTreeItem(group).label, 'Today');
  });
});
