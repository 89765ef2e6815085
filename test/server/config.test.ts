/**
 * Config methods through `dist/server.js`, side by side with the reference
 * `codex app-server` on the same files. Our server reads its system layer from
 * CODEX_SYSTEM_CONFIG_DIR (a temp dir), never from /etc/codex.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir, RpcResponseError } from '../helpers/appServerProcess';

const real = (dir: string) => fs.realpathSync(dir);
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};

describe('config methods (ours vs reference)', function () {
  this.timeout(60000);
  let home: string;
  let repo: string;
  let etc: string;
  const servers: AppServerProcess[] = [];
  const start = async (which: 'ours' | 'reference', cwd: string, args: string[] = []) => {
    const server = await AppServerProcess.start(which, { codexHome: home, cwd, args, env: { CODEX_SYSTEM_CONFIG_DIR: etc } });
    servers.push(server);
    return server;
  };

  beforeEach(() => {
    home = real(makeTempDir('cfg-e2e-home-'));
    repo = real(makeTempDir('cfg-e2e-repo-'));
    etc = real(makeTempDir('cfg-e2e-etc-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
  });

  it('config/read returns the same layers, versions and origins as the reference', async () => {
    write(path.join(home, 'config.toml'), `model = "user-model"\napproval_policy = "never"\n[projects."${repo}"]\ntrust_level = "trusted"\n`);
    write(path.join(repo, '.codex', 'config.toml'), 'model = "project-model"\n');
    write(path.join(repo, 'sub', '.codex', 'config.toml'), 'model_reasoning_effort = "high"\n[sandbox_workspace_write]\nnetwork_access = true\n');
    const cwd = path.join(repo, 'sub');
    const results = [];
    for (const which of ['reference', 'ours'] as const) {
      const server = await start(which, cwd, ['-c', 'model_verbosity="low"']);
      results.push(await server.request('config/read', { includeLayers: true, cwd }));
      assert.deepEqual(server.violations, [], which);
    }
    const [reference, ours] = results;
    const comparable = (layers: any[]) => layers.filter((l) => l.name.type !== 'system').map((l) => ({ name: l.name, version: l.version, config: l.config }));
    assert.deepEqual(comparable(ours.layers), comparable(reference.layers));
    assert.deepEqual(ours.layers.map((l: any) => l.name.type), ['sessionFlags', 'project', 'project', 'user', 'system']);
    assert.deepEqual(ours.origins, reference.origins);
    for (const key of ['model', 'approval_policy', 'model_reasoning_effort', 'model_verbosity', 'projects']) {
      assert.deepEqual(ours.config[key], reference.config[key], key);
    }
    assert.equal(ours.config.sandbox_workspace_write.network_access, true);
  });

  it('reports ignored project keys and invalid TOML as configWarning (file and line) and still serves the other layers', async () => {
    write(path.join(etc, 'config.toml'), 'model = "system-model"\n');
    write(path.join(home, 'config.toml'), `[projects."${repo}"]\ntrust_level = "trusted"\n`);
    write(path.join(repo, '.codex', 'config.toml'), 'model_reasoning_effort = "low"\nmodel_provider = "evil"\nnotify = ["curl", "evil"]\n');
    write(path.join(repo, 'sub', '.codex', 'config.toml'), 'model = "x"\n[oops\n');
    const server = await start('ours', path.join(repo, 'sub'));
    await server.waitFor('configWarning', (p) => /Invalid TOML/.test(p.summary));
    const warnings = server.notifications.filter((n) => n.method === 'configWarning').map((n) => n.params);
    const ignored = warnings.find((w) => /Ignored unsupported project-local config keys/.test(w.summary));
    assert.ok(ignored, 'ignored keys reported');
    assert.match(ignored.summary, /model_provider, notify/);
    assert.equal(ignored.path, path.join(repo, '.codex', 'config.toml'));
    const invalid = warnings.find((w) => /Invalid TOML/.test(w.summary));
    assert.equal(invalid.path, path.join(repo, 'sub', '.codex', 'config.toml'));
    assert.equal(invalid.range.start.line, 2);

    const read = await server.request('config/read', { cwd: path.join(repo, 'sub') });
    assert.equal(read.config.model, 'system-model', 'the broken file is skipped');
    assert.equal(read.config.model_reasoning_effort, 'low');
    assert.equal(read.config.model_provider, null, 'the project could not set a provider');
    assert.equal(read.layers, null);
    assert.deepEqual(server.violations, []);
  });

  it('starts with a broken user config.toml and names the file and line', async () => {
    write(path.join(etc, 'config.toml'), 'model = "system-model"\n');
    write(path.join(home, 'config.toml'), 'model = "a"\nmodel = "duplicate"\n');
    const server = await start('ours', repo);
    const warning = await server.waitFor('configWarning');
    assert.equal(warning.params.path, path.join(home, 'config.toml'));
    assert.equal(warning.params.range.start.line, 2);
    assert.equal((await server.request('config/read', {})).config.model, 'system-model');
  });

  it('writes keep comments and unrelated content; versions, conflicts and bad edits are checked', async () => {
    const original = '# my settings\nmodel = "gpt-5" # favourite\n\n[tui]\n# notify me\nnotifications = true\n';
    write(path.join(home, 'config.toml'), original);
    const server = await start('ours', repo);
    const userLayer = (await server.request('config/read', { includeLayers: true })).layers.find((l: any) => l.name.type === 'user');

    const written = await server.request('config/batchWrite', {
      edits: [
        { keyPath: 'model', value: 'o3', mergeStrategy: 'replace' },
        { keyPath: 'features.hooks', value: true, mergeStrategy: 'upsert' },
      ],
      expectedVersion: userLayer.version,
    });
    assert.equal(written.status, 'ok');
    assert.equal(written.filePath, path.join(home, 'config.toml'));
    const text = fs.readFileSync(path.join(home, 'config.toml'), 'utf8');
    assert.equal(text, '# my settings\nmodel = "o3" # favourite\n\n[tui]\n# notify me\nnotifications = true\n\n[features]\nhooks = true\n');
    const after = (await server.request('config/read', { includeLayers: true })).layers.find((l: any) => l.name.type === 'user');
    assert.equal(written.version, after.version);

    await assert.rejects(server.request('config/value/write', { keyPath: 'model', value: 'x', mergeStrategy: 'replace', expectedVersion: userLayer.version }), (e: RpcResponseError) => {
      assert.match(e.message, /changed since version/);
      assert.deepEqual(e.data, { config_write_error_code: 'configVersionConflict' });
      return true;
    });
    await assert.rejects(server.request('config/value/write', { keyPath: 'model.nested', value: 1, mergeStrategy: 'replace' }), /model is not a table/);
    await assert.rejects(server.request('config/value/write', { keyPath: 'model', value: 'x', mergeStrategy: 'replace', filePath: '/etc/passwd' }), /only the user config file/);
    const besideHome = path.join(home, '..', `${path.basename(home)}-other`, 'config.toml');
    for (const filePath of [besideHome, path.join(home, 'sub', '..', '..', 'config.toml'), path.join(home, 'config.toml.d', 'x.toml')]) {
      await assert.rejects(server.request('config/batchWrite', { edits: [{ keyPath: 'model', value: 'x', mergeStrategy: 'replace' }], filePath }), (e: RpcResponseError) => {
        assert.match(e.message, /only the user config file/);
        assert.deepEqual(e.data, { config_write_error_code: 'configPathNotAllowed' });
        return true;
      });
      assert.equal(fs.existsSync(filePath), false, filePath);
    }
    assert.equal(fs.readFileSync(path.join(home, 'config.toml'), 'utf8'), text, 'failed writes change nothing');

    const removed = await server.request('config/value/write', { keyPath: 'tui', value: null, mergeStrategy: 'replace' });
    assert.equal(removed.status, 'ok');
    assert.equal(fs.readFileSync(path.join(home, 'config.toml'), 'utf8'), '# my settings\nmodel = "o3" # favourite\n\n[features]\nhooks = true\n');

    const overridden = await start('ours', repo, ['-c', 'model="flag-model"']);
    const result = await overridden.request('config/value/write', { keyPath: 'model', value: 'gpt-5', mergeStrategy: 'replace' });
    assert.equal(result.status, 'okOverridden');
    assert.deepEqual(result.overriddenMetadata.overridingLayer.name, { type: 'sessionFlags' });
    assert.equal(result.overriddenMetadata.effectiveValue, 'flag-model');
    assert.deepEqual(server.violations, []);
    assert.deepEqual(overridden.violations, []);
  });

  it('rejects an edit without a value and keeps a symlinked config.toml a symlink', async () => {
    const realFile = path.join(makeTempDir('cfg-e2e-dotfiles-'), 'codex.toml');
    write(realFile, '# dotfiles\nmodel = "a"\n');
    fs.symlinkSync(realFile, path.join(home, 'config.toml'));
    const server = await start('ours', repo);
    await assert.rejects(server.request('config/value/write', { keyPath: 'model', mergeStrategy: 'replace' }), (e: RpcResponseError) => e.code === -32602 && /value is required/.test(e.message));
    await server.request('config/value/write', { keyPath: 'model', value: 'b', mergeStrategy: 'replace' });
    assert.ok(fs.lstatSync(path.join(home, 'config.toml')).isSymbolicLink());
    assert.equal(fs.readFileSync(realFile, 'utf8'), '# dotfiles\nmodel = "b"\n');
    assert.deepEqual(server.violations, []);
  });

  it('configRequirements/read reports requirements.toml, and they constrain the effective config', async () => {
    const plain = await start('ours', repo);
    assert.deepEqual(await plain.request('configRequirements/read'), { supportsIndependentSpeedModes: null, requirements: null });

    write(path.join(etc, 'requirements.toml'), 'allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\nallow_managed_hooks_only = true\n[features]\nhooks = true\n');
    write(path.join(home, 'config.toml'), 'approval_policy = "never"\n');
    const server = await start('ours', repo);
    const { requirements } = await server.request('configRequirements/read');
    assert.deepEqual(requirements.allowedApprovalPolicies, ['on-request']);
    assert.deepEqual(requirements.allowedSandboxModes, ['read-only', 'workspace-write']);
    assert.deepEqual(requirements.featureRequirements, { hooks: true });
    assert.equal(requirements.allowManagedHooksOnly, true);
    assert.equal((await server.request('config/read', {})).config.approval_policy, 'on-request');
    const warning = await server.waitFor('configWarning');
    assert.match(warning.params.summary, /`approval_policy` is disallowed by requirements; falling back to required value on-request/);
    assert.deepEqual(server.violations, []);
    assert.deepEqual(plain.violations, []);
  });

  // The reference reads requirements only from /etc/codex; run in a private mount namespace it
  // answered exactly this way: no refusal, the first allowed value, a configWarning before the
  // response and a thread `warning` after thread/started, and no trust for the read-only fallback.
  it('thread/start falls back to what requirements.toml allows, warns, and trusts nothing for a read-only fallback', async () => {
    write(path.join(etc, 'requirements.toml'), 'allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only"]\n');
    write(path.join(home, 'config.toml'), 'model = "user-model"\n');
    write(path.join(repo, '.codex', 'config.toml'), 'model = "project-model"\n');
    const server = await start('ours', repo);
    const started = await server.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'workspace-write' });
    assert.equal(started.approvalPolicy, 'on-request');
    assert.deepEqual(started.sandbox, { type: 'readOnly', networkAccess: false });
    assert.equal(started.model, 'user-model', 'the repository was not trusted');
    assert.equal(fs.readFileSync(path.join(home, 'config.toml'), 'utf8'), 'model = "user-model"\n');

    const threadWarnings: { params: any }[] = [];
    for (let i = 0; i < 2; i++) threadWarnings.push(await server.waitFor('warning', (p) => p.threadId === started.thread.id && !threadWarnings.some((w) => w.params.message === p.message)));
    const lines = server.rawLines.map((line) => JSON.parse(line));
    const responseAt = lines.findIndex((m) => m.result?.thread?.id === started.thread.id);
    const configWarnings = lines.map((m, i) => ({ m, i })).filter(({ m }) => m.method === 'configWarning' && /disallowed by requirements/.test(m.params.summary));
    assert.deepEqual(
      configWarnings.map(({ m }) => m.params.summary.match(/`(\w+)` is disallowed/)[1]),
      ['approval_policy', 'sandbox_mode'],
    );
    assert.ok(configWarnings.every(({ i }) => i < responseAt), 'configWarning precedes the response');
    assert.match(configWarnings[0].m.params.summary, /`never` is not in the allowed set \[on-request\]/);
    const startedAt = lines.findIndex((m) => m.method === 'thread/started');
    assert.ok(startedAt > responseAt);
    assert.deepEqual(threadWarnings.map((w) => w.params.message), configWarnings.map(({ m }) => m.params.summary));

    const allowed = await server.request('thread/start', { cwd: repo, approvalPolicy: 'on-request', sandbox: 'read-only' });
    assert.equal(allowed.approvalPolicy, 'on-request');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(server.notifications.filter((n) => n.method === 'warning' && n.params.threadId === allowed.thread.id).length, 0, 'allowed values warn about nothing');
    assert.deepEqual(server.violations, []);
  });

  it('a writable thread/start trusts an undecided repository before loading its config, like the reference', async () => {
    write(path.join(repo, 'pkg', '.codex', 'config.toml'), 'model = "project-model"\n');
    const fakeRepo = real(makeTempDir('cfg-e2e-fake-'));
    fs.mkdirSync(path.join(fakeRepo, '.git'));
    const results: Record<string, { readOnly: any; writable: any; fake: any; config: string }> = {};
    for (const which of ['reference', 'ours'] as const) {
      fs.rmSync(path.join(home, 'config.toml'), { force: true });
      const server = await start(which, home);
      const readOnly = await server.request('thread/start', { cwd: path.join(repo, 'pkg'), sandbox: 'read-only' });
      const fake = await server.request('thread/start', { cwd: fakeRepo, sandbox: 'workspace-write' });
      const writable = await server.request('thread/start', { cwd: path.join(repo, 'pkg'), sandbox: 'workspace-write' });
      const configFile = path.join(home, 'config.toml');
      results[which] = { readOnly: readOnly.model, writable: writable.model, fake: fake.model, config: fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : '' };
      assert.deepEqual(server.violations, [], which);
      await server.stop();
    }
    assert.match(results.reference.config, new RegExp(`\\[projects\\."${repo}"\\]\\s*trust_level = "trusted"`));
    assert.doesNotMatch(results.reference.config, /cfg-e2e-fake-/, 'an empty .git folder is no repository');
    assert.equal(results.ours.config.trim(), `[projects."${repo}"]\ntrust_level = "trusted"`);
    assert.equal(results.ours.writable, 'project-model', 'the project layer applies to the thread that trusted it');
    assert.equal(results.ours.writable, results.reference.writable);
    assert.notEqual(results.ours.readOnly, 'project-model', 'a read-only thread did not trust the repository');
  });

  it('thread/start refuses a config file that is not valid TOML, like the reference', async () => {
    write(path.join(home, 'config.toml'), `[projects."${repo}"]\ntrust_level = "trusted"\n`);
    write(path.join(repo, '.codex', 'config.toml'), 'model = "x"\n[oops\n');
    for (const which of ['reference', 'ours'] as const) {
      const server = await start(which, home);
      await assert.rejects(
        server.request('thread/start', { cwd: repo }),
        (e: RpcResponseError) => e.code === -32600 && /^failed to load configuration: .*\.codex\/config\.toml.*line 2/s.test(e.message),
        which,
      );
      const elsewhere = await server.request('thread/start', { cwd: home });
      assert.ok(elsewhere.thread.id, `${which}: other folders still work`);
    }
  });
});
