/**
 * The Threads and Hooks tree models against a real app-server holding stored
 * threads (created by real turns against the scripted model) and configured
 * hooks (real hooks.json / config.toml files), driven over JSON-RPC.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ThreadListModel, type ThreadNode } from '../../extension/threads/threadModel';
import { HookListModel } from '../../extension/hooks/hookListModel';
import { findHookDefinitionLine, type HookNode } from '../../extension/hooks/hookModel';
import { StatusModel } from '../../extension/status/statusModel';
import { note } from '../helpers/notifications';

// Both servers run turns now; CODEX_VIEWS_SERVER=ours|reference narrows the run to one.
const servers = process.env.CODEX_VIEWS_SERVER ? [process.env.CODEX_VIEWS_SERVER as 'ours' | 'reference'] : (['reference', 'ours'] as const);

function threadLabels(nodes: ThreadNode[]): string[] {
  return nodes.flatMap((n) => (n.kind === 'thread' ? [n.label] : n.kind === 'group' || n.kind === 'archivedSection' ? threadLabels(n.children) : []));
}

function hookNodes(nodes: HookNode[]): Extract<HookNode, { kind: 'hook' }>[] {
  return nodes.flatMap((n) => (n.kind === 'hook' ? [n] : n.kind === 'event' || n.kind === 'source' ? hookNodes(n.children) : []));
}

async function runTurn(server: AppServerProcess, model: ScriptedModel, cwd: string, prompt: string): Promise<string> {
  model.enqueue(reply.text(`ok: ${prompt}`));
  const { thread } = await server.request('thread/start', { cwd });
  await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: prompt, text_elements: [] }] });
  await server.waitFor('turn/completed', (p) => p.threadId === thread.id, 40000);
  return thread.id;
}

for (const which of servers)
describe(`Threads view model against the ${which} server`, function () {
  this.timeout(120000);
  let model: ScriptedModel;
  let server: AppServerProcess;
  let workspace: string;
  const ids: Record<string, string> = {};

  before(async () => {
    model = await new ScriptedModel().start();
    const codexHome = makeTempDir('codex-home-threads-');
    workspace = makeTempDir('codex-ws-threads-');
    model.writeConfig(codexHome);
    server = await AppServerProcess.start(which, { codexHome, cwd: workspace });
    for (const fruit of ['apple pie recipe', 'banana bread', 'cherry tart', 'damson jam']) ids[fruit] = await runTurn(server, model, workspace, fruit);
    await server.request('thread/archive', { threadId: ids['damson jam'] });
  });

  after(async () => {
    await server?.stop();
    await model?.stop();
  });

  it('lists stored threads grouped by date, paginated, with the archived ones apart', async () => {
    let changes = 0;
    const threads = new ThreadListModel((m, p) => server.request(m, p), () => changes++, { pageSize: 2 });
    await threads.refresh();
    assert.equal(threads.lastError, undefined);
    let nodes = threads.nodes();
    const today = nodes.find((n) => n.kind === 'group');
    assert.ok(today && today.kind === 'group' && today.label === 'Today', 'threads made now are under Today');
    assert.equal(today.children.length, 2, 'the first page holds two threads');
    assert.ok(nodes.some((n) => n.kind === 'loadMore' && !n.archived), 'a Load more node follows a partial page');
    const archived = nodes.find((n) => n.kind === 'archivedSection');
    assert.ok(archived && archived.kind === 'archivedSection');
    assert.deepEqual(threadLabels(archived.children), ['damson jam']);

    await threads.loadMore(false);
    nodes = threads.nodes();
    assert.deepEqual(threadLabels(nodes.filter((n) => n.kind === 'group')).sort(), ['apple pie recipe', 'banana bread', 'cherry tart']);
    assert.ok(!nodes.some((n) => n.kind === 'loadMore'), 'no Load more once every page is in');
    const first = nodes.find((n) => n.kind === 'group');
    const threadNode = first?.kind === 'group' ? first.children[0] : undefined;
    assert.ok(threadNode?.kind === 'thread');
    assert.match(threadNode.description, /just now|min ago/);
    assert.ok(threadNode.thread.path && fs.existsSync(threadNode.thread.path), 'the rollout file is known and exists');
    assert.ok(changes >= 2);
    assert.deepEqual(server.violations, []);
  });

  it('filters with searchTerm', async () => {
    const threads = new ThreadListModel((m, p) => server.request(m, p));
    await threads.setSearchTerm('banana');
    assert.deepEqual(threadLabels(threads.nodes().filter((n) => n.kind === 'group')), ['banana bread']);
    await threads.setSearchTerm('no such fruit');
    assert.ok(threads.nodes().some((n) => n.kind === 'message' && /No threads match/.test(n.text)));
    await threads.setSearchTerm(undefined);
    assert.equal(threads.activeThreads.length, 3);
  });

  it('follows rename, archive, unarchive, status and new-thread notifications', async () => {
    const threads = new ThreadListModel((m, p) => server.request(m, p));
    await threads.refresh();
    server.clearNotifications();

    await server.request('thread/name/set', { threadId: ids['apple pie recipe'], name: 'Grandma pie' });
    const renamed = await server.waitFor('thread/name/updated');
    assert.ok(threads.applyNotification(...note(renamed.method, renamed.params)));
    assert.ok(threadLabels(threads.nodes()).includes('Grandma pie'));

    await server.request('thread/archive', { threadId: ids['banana bread'] });
    const archivedNote = await server.waitFor('thread/archived');
    assert.ok(threads.applyNotification(...note(archivedNote.method, archivedNote.params)));
    const archivedSection = threads.nodes().find((n) => n.kind === 'archivedSection');
    assert.ok(archivedSection?.kind === 'archivedSection' && threadLabels(archivedSection.children).includes('banana bread'));

    await server.request('thread/unarchive', { threadId: ids['banana bread'] });
    const unarchived = await server.waitFor('thread/unarchived');
    assert.ok(threads.applyNotification(...note(unarchived.method, unarchived.params)));
    assert.ok(threads.activeThreads.some((t) => t.id === ids['banana bread']));

    const fork = await server.request('thread/fork', { threadId: ids['cherry tart'] });
    assert.notEqual(fork.thread.id, ids['cherry tart']);
    const started = await server.waitFor('thread/started', (p) => p.thread.id === fork.thread.id);
    assert.ok(threads.applyNotification(...note(started.method, started.params)), 'the forked thread appears');

    const newId = await runTurn(server, model, workspace, 'elderberry wine');
    const newStarted = await server.waitFor('thread/started', (p) => p.thread.id === newId);
    threads.applyNotification(...note(newStarted.method, newStarted.params));
    const statuses = server.notifications.filter((n) => n.method === 'thread/status/changed' && n.params.threadId === newId);
    assert.ok(statuses.some((n) => n.params.status.type === 'active'), 'the server reported the thread active during its turn');
    const activeNote = statuses.find((n) => n.params.status.type === 'active')!;
    threads.applyNotification(...note(activeNote.method, activeNote.params));
    const running = threads.nodes().flatMap((n) => (n.kind === 'group' ? n.children : [])).find((n) => n.kind === 'thread' && n.thread.id === newId);
    assert.ok(running?.kind === 'thread' && running.status.icon === 'loading~spin', 'an active thread shows a spinner');
    for (const message of statuses.slice(statuses.indexOf(activeNote) + 1)) threads.applyNotification(...note(message.method, message.params));
    const after = threads.find(newId);
    assert.notEqual(after?.status.type, 'active', 'the spinner stops when the turn ends');
    assert.deepEqual(server.violations, []);
  });
  it('feeds the status bar the model and token usage of a real turn', async () => {
    const status = new StatusModel();
    status.connection = 'connected';
    model.enqueue({ ...reply.text('counted'), usage: { input_tokens: 1200, output_tokens: 34 } });
    const { thread } = await server.request('thread/start', { cwd: workspace });
    status.currentThreadId = thread.id;
    const started = await server.waitFor('thread/started', (p) => p.thread.id === thread.id);
    assert.ok(status.applyNotification(...note(started.method, started.params)));
    await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'count me', text_elements: [] }] });
    const usage = await server.waitFor('thread/tokenUsage/updated', (p) => p.threadId === thread.id, 40000);
    assert.ok(status.applyNotification(...note(usage.method, usage.params)));
    await server.waitFor('turn/completed', (p) => p.threadId === thread.id, 40000);
    const view = status.view();
    assert.match(view.text, /^\$\(hubot\) Codex · mock-model · /);
    assert.match(view.text, /1\.2k/);
    assert.match(view.tooltip, /1,234 total \(1,200 in, 34 out\)/);
  });
});

for (const hooksServer of servers)
describe(`Hooks view model against the ${hooksServer} server`, function () {
  this.timeout(120000);
  let model: ScriptedModel;
  let server: AppServerProcess;
  let codexHome: string;
  let project: string;

  before(async () => {
    model = await new ScriptedModel().start();
    codexHome = makeTempDir('codex-home-hooks-');
    project = makeTempDir('codex-ws-hooks-');
    model.writeConfig(codexHome, { extra: `[projects.${JSON.stringify(project)}]\ntrust_level = "trusted"\n` });
    fs.appendFileSync(
      path.join(codexHome, 'config.toml'),
      ['', '[[hooks.PostToolUse]]', 'matcher = "apply_patch"', '[[hooks.PostToolUse.hooks]]', 'type = "command"', 'command = "echo post-from-toml"', ''].join('\n'),
    );
    const userHooks = {
      hooks: {
        PreToolUse: [
          { matcher: 'shell', hooks: [{ type: 'command', command: 'echo first-pre', timeout: 5 }] },
          { matcher: 'apply_patch', hooks: [{ type: 'command', command: 'echo second-pre' }] },
        ],
      },
    };
    fs.writeFileSync(path.join(codexHome, 'hooks.json'), JSON.stringify(userHooks, null, 2));
    fs.mkdirSync(path.join(project, '.codex'));
    const projectHooks = { hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'echo project-prompt-hook' }] }] } };
    fs.writeFileSync(path.join(project, '.codex', 'hooks.json'), JSON.stringify(projectHooks, null, 2));
    server = await AppServerProcess.start(hooksServer, { codexHome, cwd: project });
  });

  after(async () => {
    await server?.stop();
    await model?.stop();
  });

  it('groups configured hooks by event then source, with trust states and a review count', async () => {
    const hooks = new HookListModel((m, p) => server.request(m, p), () => [project]);
    await hooks.refresh();
    assert.equal(hooks.lastError, undefined);
    const tree = hooks.nodes();
    const events = tree.filter((n) => n.kind === 'event').map((n) => n.label);
    assert.deepEqual(events, ['UserPromptSubmit', 'PreToolUse', 'PostToolUse']);
    const pre = tree.find((n) => n.kind === 'event' && n.label === 'PreToolUse');
    assert.ok(pre?.kind === 'event');
    assert.deepEqual(pre.children.map((c) => c.kind === 'source' && c.label), ['user']);
    const prompt = tree.find((n) => n.kind === 'event' && n.label === 'UserPromptSubmit');
    assert.ok(prompt?.kind === 'event' && prompt.children[0].kind === 'source' && prompt.children[0].label === 'project');
    const all = hookNodes(tree);
    assert.equal(all.length, 4);
    assert.ok(all.every((h) => h.trust === 'needsReview' && /^needs review/.test(h.description)));
    assert.equal(hooks.needsReview, 4);
    const first = all.find((h) => h.hook.command === 'echo first-pre')!;
    assert.equal(first.label, '[shell] echo first-pre');
    assert.equal(first.contextValue, 'hook.untrusted.enabled');
  });

  it('trusts, disables and enables hooks through config/batchWrite, as the reference persists them', async () => {
    const hooks = new HookListModel((m, p) => server.request(m, p), () => [project]);
    await hooks.refresh();
    const pre = hooks.hooks.find((h) => h.command === 'echo second-pre')!;
    await hooks.trust(pre);
    assert.equal(hooks.find(pre.key)?.trustStatus, 'trusted');
    assert.equal(hooks.needsReview, 3);
    await hooks.setEnabled(hooks.find(pre.key)!, false);
    const disabled = hookNodes(hooks.nodes()).find((h) => h.hook.key === pre.key)!;
    assert.equal(disabled.trust, 'disabled');
    assert.equal(disabled.contextValue, 'hook.trusted.disabled');
    await hooks.setEnabled(hooks.find(pre.key)!, true);
    assert.equal(hookNodes(hooks.nodes()).find((h) => h.hook.key === pre.key)!.trust, 'trusted');
    const written = fs.readFileSync(path.join(codexHome, 'config.toml'), 'utf8');
    assert.match(written, /\[hooks\.state\."[^"]+hooks\.json:pre_tool_use:1:0"\]/);

    // Editing the hook after trusting it makes it need review again.
    const file = path.join(codexHome, 'hooks.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('echo second-pre', 'echo second-pre --changed'));
    await hooks.refresh();
    const changed = hookNodes(hooks.nodes()).find((h) => h.hook.key === pre.key)!;
    assert.equal(changed.hook.trustStatus, 'modified');
    assert.equal(changed.trust, 'needsReview');
    assert.deepEqual(server.violations, []);
  });

  it('finds each definition line in hooks.json and config.toml', async () => {
    const hooks = new HookListModel((m, p) => server.request(m, p), () => [project]);
    await hooks.refresh();
    for (const hook of hooks.hooks) {
      const text = fs.readFileSync(hook.sourcePath, 'utf8');
      const line = text.split('\n')[findHookDefinitionLine(text, hook)];
      assert.ok(line.includes(hook.command!), `${hook.key} points at ${JSON.stringify(line)}`);
    }
  });

  it('shows the last run status and duration from hook/completed', async function () {
    const hooks = new HookListModel((m, p) => server.request(m, p), () => [project]);
    await hooks.refresh();
    const promptHook = hooks.hooks.find((h) => h.eventName === 'userPromptSubmit')!;
    await hooks.trust(promptHook);
    model.enqueue(reply.text('done'));
    const { thread } = await server.request('thread/start', { cwd: project });
    await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hello', text_elements: [] }] });
    const completed = await server.waitFor('hook/completed', (p) => p.threadId === thread.id, 40000);
    assert.ok(hooks.applyNotification(...note(completed.method, completed.params)));
    await server.waitFor('turn/completed', (p) => p.threadId === thread.id, 40000);
    const node = hookNodes(hooks.nodes()).find((h) => h.hook.key === promptHook.key)!;
    assert.equal(node.lastRun?.status, 'completed');
    assert.match(node.description, /^trusted · last: completed in \d+(\.\d)? m?s$/);
    assert.deepEqual(server.violations, []);
  });
});
