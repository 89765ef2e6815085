/**
 * The Threads and Hooks views, the palette commands and the status bar are
 * registered by the installed extension in a real VS Code.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import * as vscode from 'vscode';
import { HOOKS_VIEW_COMMANDS, PALETTE_COMMANDS, THREADS_VIEW_COMMANDS } from '../../extension/commands/commandIds';
import { HookListModel } from '../../extension/hooks/hookListModel';
import { HooksTreeProvider } from '../../extension/hooks/hooksView';
import type { HooksViewHandle } from '../../extension/hooks/hooksView';
import type { ExtensionServices } from '../../extension/services';
import type { ViewSnapshot } from '../../extension/threads/nodeTreeProvider';
import { ThreadListModel } from '../../extension/threads/threadModel';
import { ThreadsTreeProvider, type ThreadsViewHandle } from '../../extension/threads/threadsView';
import { activateCodex, codexHome, waitFor, workspaceRoot } from './index.helpers';
import { note } from '../helpers/notifications';

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
    assert.ok(model.applyNotification(...note('thread/started', notification)));
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

/** What `activate()` returns: the services, and the installed views' shown rows. */
type LiveServices = ExtensionServices & { views: { hooks: HooksViewHandle; threads: ThreadsViewHandle } };

/** Waits until the live view shows what `check` wants; on timeout, says what it showed. */
async function waitForView(view: { snapshot(): ViewSnapshot }, check: (snapshot: ViewSnapshot) => boolean, what: string, timeoutMs = 20_000): Promise<ViewSnapshot> {
  try {
    return await waitFor(() => {
      const snapshot = view.snapshot();
      return check(snapshot) ? snapshot : undefined;
    }, timeoutMs, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nthe view showed:\n${view.snapshot().text}`);
  }
}

const hasRow = (snapshot: ViewSnapshot, label: string | RegExp) => snapshot.rows.some((row) => (typeof label === 'string' ? row.label === label : label.test(row.label)));

describe('The installed Hooks and Threads views, as a user sees them', () => {
  const STOP_COMMAND = 'echo views-itest-user-stop';
  const stopHookToml = `\n[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = "command"\ncommand = "${STOP_COMMAND}"\n`;
  let services: LiveServices;
  let configFile: string;
  let originalConfig: string | undefined;

  before(async function () {
    this.timeout(40_000);
    services = await activateCodex<LiveServices>();
    await waitFor(() => services.client.state === 'connected', 30_000, 'the extension connected to its app-server');
    configFile = path.join(codexHome(), 'config.toml');
    originalConfig = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined;
  });

  const restoreConfig = () => {
    if (originalConfig === undefined) fs.rmSync(configFile, { force: true });
    else fs.writeFileSync(configFile, originalConfig);
  };

  after(async function () {
    this.timeout(40_000);
    restoreConfig();
    const settings = vscode.workspace.getConfiguration('codex');
    if (settings.inspect('serverPath')?.globalValue !== undefined) await settings.update('serverPath', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => services.client.state === 'connected', 30_000, 'the extension reconnected to its app-server');
  });

  it('follows the user\'s config.toml in CODEX_HOME (outside the workspace) as it changes on disk', async function () {
    this.timeout(60_000);
    const hooks = services.views.hooks;
    await waitForView(hooks, (s) => hooks.status === 'loaded' && !hasRow(s, STOP_COMMAND), 'the Hooks view loaded, without the new hook yet');

    // Written by another program (not saved in VS Code): only a file watcher on CODEX_HOME sees it.
    fs.appendFileSync(configFile, stopHookToml);
    const shown = await waitForView(hooks, (s) => hasRow(s, STOP_COMMAND), 'the Stop hook from config.toml to appear');
    const row = shown.rows.find((r) => r.label === STOP_COMMAND)!;
    assert.match(row.description ?? '', /^needs review/);
    assert.ok(hasRow(shown, 'Stop'), 'under its event');
    assert.ok(!hasRow(shown, /No hooks configured|Could not load/), shown.text);

    restoreConfig();
    await waitForView(hooks, (s) => !hasRow(s, STOP_COMMAND), 'the removed Stop hook to disappear');
  });

  it('follows a trusted project\'s .codex/hooks.json and .codex/config.toml in the workspace', async function () {
    this.timeout(60_000);
    const hooks = services.views.hooks;
    const dotCodex = path.join(workspaceRoot(), '.codex');
    const projectJson = path.join(dotCodex, 'hooks.json');
    const projectToml = path.join(dotCodex, 'config.toml');
    const JSON_COMMAND = 'echo views-itest-project-json';
    const TOML_COMMAND = 'echo views-itest-project-toml';
    try {
      // The user trusts the project (in CODEX_HOME), then the project's files appear. Earlier
      // suites' writable threads may have trusted it already (the server records that), so edit
      // the TOML rather than append a second, invalid [projects."…"] table.
      const config: Record<string, unknown> = fs.existsSync(configFile) ? parseToml(fs.readFileSync(configFile, 'utf8')) : {};
      const projects = (config.projects ?? {}) as Record<string, Record<string, unknown>>;
      projects[workspaceRoot()] = { ...projects[workspaceRoot()], trust_level: 'trusted' };
      config.projects = projects;
      fs.writeFileSync(configFile, stringifyToml(config));
      fs.mkdirSync(dotCodex, { recursive: true });
      fs.writeFileSync(projectJson, JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: 'command', command: JSON_COMMAND }] }] } }, null, 2));
      const shown = await waitForView(hooks, (s) => hasRow(s, JSON_COMMAND), 'the project hooks.json hook to appear');
      const at = shown.rows.findIndex((r) => r.label === JSON_COMMAND);
      assert.equal(shown.rows[at - 1]?.label, 'project', `listed under its source:\n${shown.text}`);

      fs.writeFileSync(projectToml, `[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = "command"\ncommand = "${TOML_COMMAND}"\n`);
      await waitForView(hooks, (s) => hasRow(s, TOML_COMMAND), 'the project config.toml hook to appear');

      fs.rmSync(dotCodex, { recursive: true, force: true });
      await waitForView(hooks, (s) => !hasRow(s, JSON_COMMAND) && !hasRow(s, TOML_COMMAND), 'the removed project hooks to disappear');
    } finally {
      fs.rmSync(dotCodex, { recursive: true, force: true });
      restoreConfig();
    }
  });

  it('says plainly when hooks cannot be loaded, with a Retry, and fills itself again once the server is back', async function () {
    this.timeout(90_000);
    const hooks = services.views.hooks;
    fs.appendFileSync(configFile, stopHookToml);
    await vscode.commands.executeCommand('codex.hooks.refresh');
    await waitForView(hooks, (s) => hasRow(s, STOP_COMMAND), 'the Stop hook to be listed');

    // A server that cannot start: the next listing fails.
    const settings = vscode.workspace.getConfiguration('codex');
    await settings.update('serverPath', path.join(workspaceRoot(), 'no-such-codex-binary'), vscode.ConfigurationTarget.Global);
    await waitFor(() => services.client.state !== 'connected' && services.client.state !== 'starting', 30_000, 'the server to be down');
    await vscode.commands.executeCommand('codex.hooks.refresh');
    const failed = await waitForView(hooks, (s) => hasRow(s, /^Could not load hooks: /) && hasRow(s, 'Retry'), 'the failure and a Retry');
    assert.equal(failed.rows.find((r) => r.label === 'Retry')?.command, 'codex.hooks.refresh', 'Retry re-lists the hooks');
    assert.ok(!hasRow(failed, /No hooks configured/), `a failure is not an empty list:\n${failed.text}`);
    assert.equal(hooks.status, 'failed');

    // The server is back: the view re-lists by itself (no Retry click), and the failure goes away.
    await settings.update('serverPath', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => services.client.state === 'connected', 30_000, 'the server to be back');
    const back = await waitForView(hooks, (s) => hasRow(s, STOP_COMMAND) && !hasRow(s, /^Could not load hooks/) && !hasRow(s, 'Retry'), 'the hooks without the failure');
    assert.equal(hooks.status, 'loaded', back.text);
    restoreConfig();
    await waitForView(hooks, (s) => !hasRow(s, STOP_COMMAND), 'the removed Stop hook to disappear');
  });

  it('shows threads started, renamed and archived by anyone (the chat, another client) without a refresh', async function () {
    this.timeout(60_000);
    const threads = services.views.threads;
    await waitForView(threads, (s) => !hasRow(s, /^(Loading threads|Waiting for the Codex server)/), 'the Threads view loaded');
    const { thread } = await services.client.request('thread/start', { cwd: workspaceRoot() });
    const rowId = `thread:${thread.id}`;
    await waitForView(threads, (s) => s.rows.some((r) => r.id === rowId), 'the started thread to be listed');

    const name = `Renamed by the views itest ${Date.now()}`;
    await services.client.request('thread/name/set', { threadId: thread.id, name });
    await waitForView(threads, (s) => s.rows.some((r) => r.id === rowId && r.label === name), 'the new name to show');

    await services.client.request('thread/archive', { threadId: thread.id });
    const archived = await waitForView(threads, (s) => {
      const section = s.rows.findIndex((r) => r.id === 'archived');
      return section >= 0 && s.rows.findIndex((r) => r.id === rowId) > section;
    }, 'the thread to move to the Archived section');
    assert.equal(archived.rows.filter((r) => r.id === rowId).length, 1, 'listed once');

    // After a server restart the view is listed again and still shows the archived thread.
    await vscode.commands.executeCommand('codex.restartServer');
    await waitFor(() => services.client.state === 'connected', 30_000, 'the server to be back');
    await waitForView(threads, (s) => s.rows.some((r) => r.id === rowId && r.label === name) && !hasRow(s, /^Could not load threads/), 'the thread after the restart');
  });
});
