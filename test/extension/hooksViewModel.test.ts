import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  buildHookTree,
  findHookDefinitionLine,
  hookContextValue,
  sourceGroupOf,
  tomlQuotedKey,
  trustEdits,
  trustStateOf,
  type HookInfo,
  type HookNode,
} from '../../extension/hooks/hookModel';
import { HookListModel } from '../../extension/hooks/hookListModel';

function hook(extra: Partial<HookInfo>): HookInfo {
  return {
    key: '/h/hooks.json:pre_tool_use:0:0',
    eventName: 'preToolUse',
    matcher: null,
    sourcePath: '/h/hooks.json',
    source: 'user',
    displayOrder: 0,
    enabled: true,
    isManaged: false,
    currentHash: 'sha256:abc',
    trustStatus: 'untrusted',
    handlerType: 'command',
    command: 'echo hi',
    ...extra,
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const menuWhen = (command: string) => manifest.contributes.menus['view/item/context'].find((m: any) => m.command === command).when as string;
const viewItemRegex = (when: string) => new RegExp(/viewItem =~ \/(.*)\//.exec(when)![1].replace(/\\\\/g, '\\'));

describe('hooks view logic', () => {
  it('maps trust status and enablement to the four shown states', () => {
    assert.equal(trustStateOf(hook({ trustStatus: 'trusted' })), 'trusted');
    assert.equal(trustStateOf(hook({ trustStatus: 'untrusted' })), 'needsReview');
    assert.equal(trustStateOf(hook({ trustStatus: 'modified' })), 'needsReview');
    assert.equal(trustStateOf(hook({ trustStatus: 'trusted', enabled: false })), 'disabled');
    assert.equal(trustStateOf(hook({ trustStatus: 'managed', isManaged: true })), 'managed');
  });

  it('gives context values the manifest menus match', () => {
    const trust = viewItemRegex(menuWhen('codex.hooks.trust'));
    const disable = viewItemRegex(menuWhen('codex.hooks.disable'));
    const enable = viewItemRegex(menuWhen('codex.hooks.enable'));
    const untrusted = hookContextValue(hook({}));
    assert.ok(trust.test(untrusted) && disable.test(untrusted) && !enable.test(untrusted));
    const trusted = hookContextValue(hook({ trustStatus: 'trusted' }));
    assert.ok(!trust.test(trusted) && disable.test(trusted));
    const disabled = hookContextValue(hook({ trustStatus: 'trusted', enabled: false }));
    assert.ok(enable.test(disabled) && !disable.test(disabled));
    const managed = hookContextValue(hook({ trustStatus: 'managed', isManaged: true }));
    assert.ok(!trust.test(managed) && !disable.test(managed) && !enable.test(managed), 'managed hooks offer no trust actions');
  });

  it('groups managed sources together and orders events by lifecycle', () => {
    assert.equal(sourceGroupOf(hook({ source: 'mdm' })), 'managed');
    assert.equal(sourceGroupOf(hook({ source: 'cloudManagedConfig' })), 'managed');
    assert.equal(sourceGroupOf(hook({ source: 'plugin' })), 'plugin');
    const tree = buildHookTree(
      [hook({ eventName: 'stop', key: 'a' }), hook({ eventName: 'sessionStart', key: 'b', source: 'project' }), hook({ eventName: 'sessionStart', key: 'c', source: 'system' })],
      new Map(),
      { warnings: ['two representations'], errors: [{ path: '/x/hooks.json', message: 'bad json' }] },
    );
    assert.deepEqual(
      tree.map((n) => n.kind === 'event' ? n.label : n.kind),
      ['message', 'message', 'SessionStart', 'Stop'],
    );
    const start = tree[2];
    assert.ok(start.kind === 'event');
    assert.deepEqual(start.children.map((c) => c.kind === 'source' && c.label), ['system', 'project']);
  });

  it('quotes hook keys for the config.toml key path', () => {
    assert.equal(tomlQuotedKey('/a "b"\\c:stop:0:0'), '"/a \\"b\\"\\\\c:stop:0:0"');
    assert.deepEqual(trustEdits(hook({})), [{ keyPath: 'hooks.state."/h/hooks.json:pre_tool_use:0:0".trusted_hash', value: 'sha256:abc', mergeStrategy: 'upsert' }]);
  });

  it('locates the n-th handler of the n-th group in hooks.json', () => {
    const json = JSON.stringify(
      {
        hooks: {
          Stop: [{ hooks: [{ type: 'command', command: 'same' }] }],
          PreToolUse: [
            { matcher: 'a', hooks: [{ type: 'command', command: 'same' }, { type: 'prompt' }, { type: 'command', command: 'other' }] },
            { matcher: 'b', hooks: [{ type: 'command', command: 'same' }] },
          ],
        },
      },
      null,
      2,
    );
    const lines = json.split('\n');
    const line = findHookDefinitionLine(json, hook({ key: '/h/hooks.json:pre_tool_use:1:0', command: 'same' }));
    // The second "same" under PreToolUse, i.e. the third "same" in the file.
    const sameLines = lines.map((l, i) => (l.includes('"same"') ? i : -1)).filter((i) => i >= 0);
    assert.equal(line, sameLines[2]);
    assert.ok(lines[findHookDefinitionLine(json, hook({ key: '/h/hooks.json:pre_tool_use:0:2', command: 'other' }))].includes('"other"'));
  });

  it('locates handlers in config.toml [hooks] tables', () => {
    const toml = ['model = "m"', '[[hooks.Stop]]', '[[hooks.Stop.hooks]]', 'type = "command"', 'command = "x"', '[[hooks.Stop]]', 'matcher = "m"', '[[hooks.Stop.hooks]]', 'type = "command"', 'command = "x"'].join('\n');
    assert.equal(findHookDefinitionLine(toml, hook({ key: '/h/config.toml:stop:1:0', sourcePath: '/h/config.toml', eventName: 'stop', command: 'x' })), 9);
    assert.equal(findHookDefinitionLine(toml, hook({ key: '/h/config.toml:stop:0:0', sourcePath: '/h/config.toml', eventName: 'stop', command: 'x' })), 4);
  });
});

/** A `hooks/list` requester whose answers the test releases one by one, in any order. */
class ScriptedHookServer {
  readonly calls: { resolve: (value: unknown) => void; reject: (error: Error) => void; params: any }[] = [];
  readonly request = (method: string, params?: unknown): Promise<any> => {
    assert.equal(method, 'hooks/list');
    return new Promise((resolve, reject) => this.calls.push({ resolve, reject, params }));
  };
  answer(index: number, hooks: HookInfo[]): Promise<void> {
    this.calls[index].resolve({ data: [{ cwd: '/w', hooks, warnings: [], errors: [] }] });
    return settle();
  }
  fail(index: number, message: string): Promise<void> {
    this.calls[index].reject(new Error(message));
    return settle();
  }
}

/** Lets the model's awaited promise continuations run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the Hooks view shows at its top level, as text. */
function shown(nodes: HookNode[]): string[] {
  return nodes.map((n) => (n.kind === 'event' ? `event ${n.label}` : n.kind === 'message' ? `${n.severity}: ${n.text}` : n.kind === 'retry' ? `retry: ${n.label}` : n.kind));
}

const STOP_HOOK = hook({ key: '/home/config.toml:stop:0:0', eventName: 'stop', sourcePath: '/home/config.toml', command: 'echo qa-hook' });

describe('hooks view loading states', () => {
  it('never says "No hooks configured" before the server answered: it waits, loads, then shows the hooks', async () => {
    const server = new ScriptedHookServer();
    let changes = 0;
    const model = new HookListModel(server.request, () => ['/w'], () => changes++);
    assert.equal(model.status, 'waitingForServer');
    assert.deepEqual(shown(model.nodes()), ['loading: Waiting for the Codex server…']);

    const loading = model.setServerReady(true);
    assert.equal(server.calls.length, 1, 'the list is asked for as soon as the server is ready');
    assert.deepEqual(server.calls[0].params, { cwds: ['/w'] });
    assert.equal(model.status, 'loading');
    assert.deepEqual(shown(model.nodes()), ['loading: Loading hooks…']);

    await server.answer(0, [STOP_HOOK]);
    await loading;
    assert.equal(model.status, 'loaded');
    assert.deepEqual(shown(model.nodes()), ['event Stop']);
    assert.ok(changes >= 2, 'the view is told to redraw');
  });

  it('says "No hooks configured" only once the server answered an empty list', async () => {
    const server = new ScriptedHookServer();
    const model = new HookListModel(server.request, () => ['/w']);
    const loading = model.setServerReady(true);
    await server.answer(0, []);
    await loading;
    assert.deepEqual(shown(model.nodes()), ['info: No hooks configured']);
  });

  it('shows a failure as a failure with a Retry, never as an empty list, and Retry loads the hooks', async () => {
    const server = new ScriptedHookServer();
    const model = new HookListModel(server.request, () => ['/w']);
    const first = model.setServerReady(true);
    await server.fail(0, 'The Codex server exited; restarting it shortly.');
    await first;
    assert.equal(model.status, 'failed');
    assert.deepEqual(shown(model.nodes()), ['error: Could not load hooks: The Codex server exited; restarting it shortly.', 'retry: Retry']);

    const retry = model.refresh();
    assert.deepEqual(shown(model.nodes()).slice(1), ['retry: Retrying…']);
    await server.answer(1, [STOP_HOOK]);
    await retry;
    assert.equal(model.status, 'loaded');
    assert.deepEqual(shown(model.nodes()), ['event Stop']);
  });

  it('keeps the last loaded hooks under a later failure, without an empty-list message', async () => {
    const server = new ScriptedHookServer();
    const model = new HookListModel(server.request, () => ['/w']);
    const first = model.setServerReady(true);
    await server.answer(0, [STOP_HOOK]);
    await first;
    const second = model.refresh();
    await server.fail(1, 'boom');
    await second;
    assert.deepEqual(shown(model.nodes()), ['error: Could not load hooks: boom', 'retry: Retry', 'event Stop']);

    const emptyServer = new ScriptedHookServer();
    const emptyModel = new HookListModel(emptyServer.request, () => ['/w']);
    const loaded = emptyModel.setServerReady(true);
    await emptyServer.answer(0, []);
    await loaded;
    const failing = emptyModel.refresh();
    await emptyServer.fail(1, 'boom');
    await failing;
    assert.deepEqual(shown(emptyModel.nodes()), ['error: Could not load hooks: boom', 'retry: Retry']);
  });

  it('keeps the newest answer when an older request answers last (a file changed in between)', async () => {
    const server = new ScriptedHookServer();
    const model = new HookListModel(server.request, () => ['/w']);
    const stale = model.setServerReady(true); // request 0: sent before the hook was added
    const fresh = model.refresh(); // request 1: after config.toml changed
    await server.answer(1, [STOP_HOOK]);
    await server.answer(0, []);
    await Promise.all([stale, fresh]);
    assert.deepEqual(shown(model.nodes()), ['event Stop']);

    // Likewise an older failure never hides a newer answer.
    const third = model.refresh();
    const fourth = model.refresh();
    await server.answer(3, [STOP_HOOK]);
    await server.fail(2, 'went away');
    await Promise.all([third, fourth]);
    assert.equal(model.status, 'loaded');
  });

  it('says the hooks could not load when the server dies or cannot start before the first answer', async () => {
    const server = new ScriptedHookServer();
    const model = new HookListModel(server.request, () => ['/w']);
    await model.setServerReady(false, 'The Codex server could not start /no/codex: spawn ENOENT.');
    assert.equal(model.status, 'failed');
    assert.deepEqual(shown(model.nodes()), ['error: Could not load hooks: The Codex server could not start /no/codex: spawn ENOENT.', 'retry: Retry']);
    await model.setServerReady(false, undefined); // starting again (backoff): the failure stays until an answer
    assert.equal(model.status, 'failed');
    const back = model.setServerReady(true);
    await server.answer(0, [STOP_HOOK]);
    await back;
    assert.deepEqual(shown(model.nodes()), ['event Stop']);
    // Once loaded, a crash keeps the list shown (the restart re-lists it).
    await model.setServerReady(false, 'The Codex server exited with code 1.');
    assert.deepEqual(shown(model.nodes()), ['event Stop']);
  });

  it('lists again after a server restart, and waits (keeping the list) while the server is down', async () => {
    const server = new ScriptedHookServer();
    const model = new HookListModel(server.request, () => ['/w']);
    const first = model.setServerReady(true);
    await server.answer(0, []);
    await first;
    await model.setServerReady(false);
    assert.equal(server.calls.length, 1, 'nothing is asked while the server is down');
    assert.deepEqual(shown(model.nodes()), ['info: No hooks configured']);
    const again = model.setServerReady(true);
    assert.equal(server.calls.length, 2, 'the restarted server is asked again');
    await server.answer(1, [STOP_HOOK]);
    await again;
    assert.deepEqual(shown(model.nodes()), ['event Stop']);
  });
});
