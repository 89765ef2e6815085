/**
 * `hooks/list` and the trust/disable flow through `dist/server.js`, checked
 * against the reference `codex app-server` reading the very same files: both
 * list the same hooks, and what our server persists the reference understands.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';

const real = (dir: string) => fs.realpathSync(dir);
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const hook = (event: string, command: string, matcher?: string, extra = '') =>
  `[[hooks.${event}]]\n${matcher !== undefined ? `matcher = ${JSON.stringify(matcher)}\n` : ''}[[hooks.${event}.hooks]]\ntype = "command"\ncommand = ${JSON.stringify(command)}\n${extra}\n`;

describe('hooks/list and hook trust (ours vs reference)', function () {
  this.timeout(60000);
  let home: string;
  let repo: string;
  let etc: string;
  const servers: AppServerProcess[] = [];
  const start = async (which: 'ours' | 'reference') => {
    const server = await AppServerProcess.start(which, { codexHome: home, cwd: repo, env: { CODEX_SYSTEM_CONFIG_DIR: etc } });
    servers.push(server);
    return server;
  };
  const list = async (server: AppServerProcess) => (await server.request('hooks/list', { cwds: [repo] })).data[0];

  beforeEach(() => {
    home = real(makeTempDir('hooks-e2e-home-'));
    repo = real(makeTempDir('hooks-e2e-repo-'));
    etc = real(makeTempDir('hooks-e2e-etc-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    write(
      path.join(home, 'config.toml'),
      `# user config\nmodel = "gpt-5"\n\n${hook('PreToolUse', 'echo pre', '^Bash$', 'statusMessage = "Checking command"\ntimeout = 20')}${hook('Stop', 'echo stop', 'ignored')}`,
    );
    write(path.join(home, 'hooks.json'), JSON.stringify({ hooks: { SessionStart: [{ matcher: 'startup|resume', hooks: [{ type: 'command', command: 'echo hi' }] }] } }));
    write(path.join(repo, '.codex', 'hooks.json'), JSON.stringify({ hooks: { PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'echo project' }] }] } }));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
  });

  it('lists the same hooks as the reference, and an untrusted project contributes none', async () => {
    const reference = await list(await start('reference'));
    const ours = await list(await start('ours'));
    assert.deepEqual(ours, reference);
    assert.equal(ours.hooks.length, 3);
    assert.ok(ours.hooks.every((h: any) => h.source === 'user' && h.trustStatus === 'untrusted' && h.enabled));
    const pre = ours.hooks.find((h: any) => h.eventName === 'preToolUse');
    assert.deepEqual(
      { matcher: pre.matcher, timeoutSec: pre.timeoutSec, statusMessage: pre.statusMessage, sourcePath: pre.sourcePath, isManaged: pre.isManaged },
      { matcher: '^Bash$', timeoutSec: 20, statusMessage: 'Checking command', sourcePath: path.join(home, 'config.toml'), isManaged: false },
    );
    assert.equal(ours.hooks.find((h: any) => h.eventName === 'stop').matcher, null, 'Stop ignores matchers');
    for (const server of servers) assert.deepEqual(server.violations, [], server.which);
  });

  it('trusted projects add their hooks, as with the reference', async () => {
    fs.appendFileSync(path.join(home, 'config.toml'), `\n[projects."${repo}"]\ntrust_level = "trusted"\n`);
    const reference = await list(await start('reference'));
    const ours = await list(await start('ours'));
    assert.deepEqual(ours, reference);
    assert.deepEqual(
      ours.hooks.filter((h: any) => h.source === 'project').map((h: any) => [h.eventName, h.sourcePath]),
      [['postToolUse', path.join(repo, '.codex', 'hooks.json')]],
    );
  });

  it('lists a loaded thread\'s hooks by threadId', async () => {
    fs.appendFileSync(path.join(home, 'config.toml'), `\n[projects."${repo}"]\ntrust_level = "trusted"\n`);
    const elsewhere = real(makeTempDir('hooks-e2e-elsewhere-'));
    const ours = await AppServerProcess.start('ours', { codexHome: home, cwd: elsewhere, env: { CODEX_SYSTEM_CONFIG_DIR: etc } });
    servers.push(ours);
    const { thread } = await ours.request('thread/start', { cwd: repo });
    const { data } = await ours.request('hooks/list', { threadId: thread.id });
    assert.equal(data.length, 1);
    assert.equal(data[0].cwd, repo);
    assert.ok(data[0].hooks.some((h: any) => h.source === 'project'), 'the thread cwd decides the project layers');
    await assert.rejects(ours.request('hooks/list', { threadId: '0195d3c2-0000-7000-8000-000000000001' }), /thread not loaded/);
    assert.deepEqual(ours.violations, []);
  });

  it('trusting, disabling and enabling are config writes the reference reads back the same way', async () => {
    const ours = await start('ours');
    const before = await list(ours);
    const pre = before.hooks.find((h: any) => h.eventName === 'preToolUse');
    const stop = before.hooks.find((h: any) => h.eventName === 'stop');
    await ours.request('config/batchWrite', {
      edits: [{ keyPath: 'hooks.state', value: { [pre.key]: { trusted_hash: pre.currentHash }, [stop.key]: { trusted_hash: stop.currentHash } }, mergeStrategy: 'upsert' }],
    });
    await ours.request('config/batchWrite', { edits: [{ keyPath: 'hooks.state', value: { [stop.key]: { enabled: false } }, mergeStrategy: 'upsert' }] });
    const text = fs.readFileSync(path.join(home, 'config.toml'), 'utf8');
    assert.ok(text.startsWith('# user config\nmodel = "gpt-5"\n'), 'the rest of the file is untouched');
    assert.ok(text.includes(`[hooks.state."${stop.key}"]\ntrusted_hash = "${stop.currentHash}"\nenabled = false\n`));

    const status = (entry: any) => Object.fromEntries(entry.hooks.map((h: any) => [h.eventName, [h.trustStatus, h.enabled]]));
    const expected = { sessionStart: ['untrusted', true], preToolUse: ['trusted', true], stop: ['trusted', false] };
    assert.deepEqual(status(await list(ours)), expected);
    const reference = await start('reference');
    assert.deepEqual(status(await list(reference)), expected, 'the reference reads our writes the same way');

    // Re-enabling, then editing a trusted hook: it becomes "modified" for both servers.
    await ours.request('config/value/write', { keyPath: 'hooks.state', value: { [stop.key]: { enabled: true } }, mergeStrategy: 'upsert' });
    const configFile = path.join(home, 'config.toml');
    fs.writeFileSync(configFile, fs.readFileSync(configFile, 'utf8').replace('command = "echo pre"', 'command = "echo pre --changed"'));
    const modified = { sessionStart: ['untrusted', true], preToolUse: ['modified', true], stop: ['trusted', true] };
    assert.deepEqual(status(await list(ours)), modified);
    assert.deepEqual(status(await list(reference)), modified);
    for (const server of servers) assert.deepEqual(server.violations, [], server.which);
  });

  it('accepts quoted key segments in keyPath, as the extension writes them (both servers)', async () => {
    for (const which of ['reference', 'ours'] as const) {
      const server = await start(which);
      const pre = (await list(server)).hooks.find((h: any) => h.eventName === 'preToolUse');
      const quoted = `hooks.state."${pre.key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      await server.request('config/batchWrite', {
        edits: [
          { keyPath: `${quoted}.trusted_hash`, value: pre.currentHash, mergeStrategy: 'upsert' },
          { keyPath: `${quoted}.enabled`, value: false, mergeStrategy: 'upsert' },
        ],
      });
      const after = (await list(server)).hooks.find((h: any) => h.key === pre.key);
      assert.deepEqual([after.trustStatus, after.enabled], ['trusted', false], which);
      await server.request('config/value/write', { keyPath: 'hooks.state', value: null, mergeStrategy: 'replace' });
      assert.equal((await list(server)).hooks.find((h: any) => h.key === pre.key).trustStatus, 'untrusted', `${which}: state removed`);
      assert.deepEqual(server.violations, [], which);
    }
  });

  it('lists plugin hooks (features.plugin_hooks) like the reference', async () => {
    const root = path.join(home, 'plugins', 'cache', 'market', 'demo', '2.0.0');
    write(path.join(root, '.codex-plugin', 'plugin.json'), JSON.stringify({ name: 'demo', version: '2.0.0', hooks: './custom/hooks.json' }));
    write(path.join(root, 'custom', 'hooks.json'), JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'sh ${PLUGIN_ROOT}/stop.sh ${PLUGIN_DATA}', statusMessage: 'Plugin check' }] }] } }));
    fs.appendFileSync(path.join(home, 'config.toml'), '\n[features]\nplugin_hooks = true\n\n[plugins."demo@market"]\nenabled = true\n');
    const pluginHooks = async (which: 'ours' | 'reference') => (await list(await start(which))).hooks.filter((h: any) => h.source === 'plugin');
    const [reference, ours] = [await pluginHooks('reference'), await pluginHooks('ours')];
    assert.equal(ours.length, 1);
    // The second half of a plugin hook's hash digests the plugin's files; ours uses its own digest.
    const identity = (hooks: any[]) => hooks.map((h) => ({ ...h, currentHash: h.currentHash.split('/')[0] }));
    assert.deepEqual(identity(ours), identity(reference));
    assert.equal(ours[0].key, 'demo@market:custom/hooks.json:stop:0:0');
    for (const server of servers) assert.deepEqual(server.violations, [], server.which);
  });

  it('managed hooks from requirements.toml are listed as managed and stay enabled', async () => {
    const managedDir = path.join(etc, 'hooks');
    write(path.join(etc, 'requirements.toml'), `[hooks]\nmanaged_dir = ${JSON.stringify(managedDir)}\n${hook('PreToolUse', `${managedDir}/audit.sh`, '*')}`);
    const ours = await start('ours');
    const managed = (await list(ours)).hooks.find((h: any) => h.isManaged);
    await ours.request('config/batchWrite', { edits: [{ keyPath: 'hooks.state', value: { [managed.key]: { enabled: false } }, mergeStrategy: 'upsert' }] });
    const after = (await list(ours)).hooks.find((h: any) => h.key === managed.key);
    assert.deepEqual({ trust: after.trustStatus, enabled: after.enabled, source: after.source, sourcePath: after.sourcePath }, { trust: 'managed', enabled: true, source: 'system', sourcePath: managedDir });
    assert.deepEqual(ours.violations, []);
  });
});
