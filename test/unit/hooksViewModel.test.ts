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
} from '../../extension/hooks/hookModel';

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
