import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadLayerStack } from '../../server/config/loader';
import { trustProjectForWritableThread } from '../../server/config/trust';
import { makeTempDir } from '../helpers/tempDir';

const tmp = (prefix: string) => fs.realpathSync(makeTempDir(prefix));

describe('project trust on thread start', () => {
  let home: string;
  let repo: string;
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.CODEX_SYSTEM_CONFIG_DIR;
    process.env.CODEX_SYSTEM_CONFIG_DIR = tmp('trust-etc-');
    home = tmp('trust-home-');
    repo = tmp('trust-repo-');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    fs.mkdirSync(path.join(repo, 'pkg', '.codex'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'pkg', '.codex', 'config.toml'), 'model = "project-model"\n');
    fs.writeFileSync(path.join(home, 'config.toml'), '# mine\nmodel = "user-model"\n');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.CODEX_SYSTEM_CONFIG_DIR;
    else process.env.CODEX_SYSTEM_CONFIG_DIR = saved;
  });

  it('read-only threads trust nothing', () => {
    assert.equal(trustProjectForWritableThread(home, [], path.join(repo, 'pkg'), 'read-only'), null);
    assert.equal(trustProjectForWritableThread(home, [], path.join(repo, 'pkg')), null, 'read-only is the default');
    assert.equal(loadLayerStack(home, [], { cwd: path.join(repo, 'pkg') }).merged.model, 'user-model');
  });

  it('a writable thread in an undecided repository trusts its root, keeping the rest of config.toml', () => {
    assert.equal(trustProjectForWritableThread(home, [], path.join(repo, 'pkg'), 'workspace-write'), repo);
    assert.equal(fs.readFileSync(path.join(home, 'config.toml'), 'utf8'), `# mine\nmodel = "user-model"\n\n[projects."${repo}"]\ntrust_level = "trusted"\n`);
    assert.equal(loadLayerStack(home, [], { cwd: path.join(repo, 'pkg') }).merged.model, 'project-model');
    assert.equal(trustProjectForWritableThread(home, [], repo, 'workspace-write'), null, 'already decided');
  });

  it('never overrides an explicit "untrusted", and never trusts a folder outside a repository', () => {
    fs.appendFileSync(path.join(home, 'config.toml'), `[projects."${repo}"]\ntrust_level = "untrusted"\n`);
    assert.equal(trustProjectForWritableThread(home, [], path.join(repo, 'pkg'), 'danger-full-access'), null);
    const loose = tmp('trust-loose-');
    assert.equal(trustProjectForWritableThread(home, [], loose, 'danger-full-access'), null);
    assert.ok(!fs.readFileSync(path.join(home, 'config.toml'), 'utf8').includes(loose));
  });
});
