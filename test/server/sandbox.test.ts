import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bubblewrapArgs, bubblewrapStatus, isWritableUnder, SandboxSetupError, sandboxCommand } from '../../server/sandbox/bubblewrap';
import { heldPlaceholderCount } from '../../server/sandbox/placeholders';
import { patchWriteDenial } from '../../server/sandbox/protectedPaths';
import { commandVerdict, isKnownSafeCommand, patchVerdict, retryUnsandboxedOnFailure } from '../../server/approvals/policy';
import type { SandboxPolicy } from '../../protocol/items';
import { makeTempDir } from '../helpers/tempDir';

const workspace = (cwd: string, extra: string[] = []): SandboxPolicy & { type: 'workspaceWrite' } => ({ type: 'workspaceWrite', writableRoots: [cwd, ...extra], networkAccess: false, excludeTmpdirEnvVar: true, excludeSlashTmp: true });

describe('sandbox policy and bubblewrap', () => {
  const cwd = makeTempDir('sandbox-unit-');
  fs.mkdirSync(path.join(cwd, '.git'));

  it('decides writability: writable roots yes, .git/.codex and outside no', () => {
    const policy = workspace(cwd);
    assert.equal(isWritableUnder(policy, cwd, 'src/new.ts'), true);
    assert.equal(isWritableUnder(policy, cwd, '.git/config'), false);
    assert.equal(isWritableUnder(policy, cwd, '.codex/x'), false);
    assert.equal(isWritableUnder(policy, cwd, '/etc/passwd'), false);
    assert.equal(isWritableUnder({ type: 'readOnly', networkAccess: false }, cwd, 'a'), false);
    assert.equal(isWritableUnder({ type: 'dangerFullAccess' }, cwd, '/etc/x'), true);
  });

  it('writability follows `..` and symlinks, dangling ones included, before any write', () => {
    const policy = workspace(cwd);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-unit-outside-'));
    try {
      fs.symlinkSync(outside, path.join(cwd, 'link-to-outside'));
      fs.symlinkSync(path.join(outside, 'not-yet.txt'), path.join(cwd, 'dangling-file'));
      fs.symlinkSync(path.join(outside, 'no-dir'), path.join(cwd, 'dangling-dir'));
      fs.symlinkSync('loop-b', path.join(cwd, 'loop-a'));
      fs.symlinkSync('loop-a', path.join(cwd, 'loop-b'));
      fs.mkdirSync(path.join(cwd, 'src'), { recursive: true });
      fs.symlinkSync(path.join(cwd, 'src'), path.join(cwd, 'link-inside'));
      assert.equal(isWritableUnder(policy, cwd, '../escape.txt'), false);
      assert.equal(isWritableUnder(policy, cwd, 'src/../../escape.txt'), false);
      assert.equal(isWritableUnder(policy, cwd, path.join(outside, 'abs.txt')), false);
      assert.equal(isWritableUnder(policy, cwd, 'link-to-outside/x.txt'), false);
      assert.equal(isWritableUnder(policy, cwd, 'dangling-file'), false, 'a dangling link is followed to its target');
      assert.equal(isWritableUnder(policy, cwd, 'dangling-dir/new/x.txt'), false);
      assert.equal(isWritableUnder(policy, cwd, 'link-inside/x.txt'), true);
      assert.equal(isWritableUnder(policy, cwd, 'loop-a'), true, 'a link loop stays the link itself, inside the cwd');
    } finally {
      for (const name of ['link-to-outside', 'dangling-file', 'dangling-dir', 'loop-a', 'loop-b', 'link-inside']) fs.rmSync(path.join(cwd, name), { force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('builds bwrap arguments: read-only root, writable roots, protected .git, no network', () => {
    const args = bubblewrapArgs(workspace(cwd), cwd, cwd, ['echo', 'hi']);
    const joined = args.join(' ');
    assert.match(joined, /--ro-bind \/ \//);
    assert.ok(joined.includes(`--bind ${fs.realpathSync(cwd)} ${fs.realpathSync(cwd)}`));
    assert.ok(joined.includes(`--ro-bind ${path.join(fs.realpathSync(cwd), '.git')}`));
    assert.ok(args.includes('--unshare-net'));
    assert.deepEqual(args.slice(-3), ['--', 'echo', 'hi']);
    assert.ok(!bubblewrapArgs({ ...workspace(cwd), networkAccess: true }, cwd, cwd, ['true']).includes('--unshare-net'));
    const unrestricted = sandboxCommand({ type: 'dangerFullAccess' }, cwd, cwd, ['true']);
    assert.deepEqual({ ...unrestricted, release: null }, { argv: ['true'], sandboxed: false, warning: null, release: null });
  });

  it('really confines writes when bubblewrap is available', function () {
    if (!bubblewrapStatus().available) this.skip();
    const outside = fs.mkdtempSync('/var/tmp/sandbox-unit-out-');
    const { argv, release } = sandboxCommand(workspace(cwd), cwd, cwd, ['/bin/sh', '-c', `touch in.txt; touch ${outside}/out.txt; touch .git/x; true`]);
    spawnSync(argv[0], argv.slice(1), { cwd });
    release();
    assert.equal(fs.existsSync(path.join(cwd, 'in.txt')), true);
    assert.equal(fs.existsSync(path.join(outside, 'out.txt')), false);
    assert.equal(fs.existsSync(path.join(cwd, '.git', 'x')), false);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it("a command's cwd grants nothing: only the policy's roots are bound writable", () => {
    const args = bubblewrapArgs(workspace(cwd), cwd, '/', ['true']);
    const writable = args.flatMap((a, i) => (a === '--bind' ? [args[i + 1]] : []));
    assert.deepEqual(writable, [fs.realpathSync(cwd)]);
    assert.deepEqual(args.slice(args.indexOf('--chdir'), args.indexOf('--chdir') + 2), ['--chdir', '/']);
    if (process.getuid?.() === 0) assert.ok(args.join(' ').includes('--cap-drop ALL'), 'root keeps no capability inside');
  });

  it('patches: protected names are checked against every root at once, at any depth, and resolved first', () => {
    const parent = path.dirname(fs.realpathSync(cwd));
    const policy = workspace(cwd, [parent]);
    const real = fs.realpathSync(cwd);
    assert.match(patchWriteDenial(policy, cwd, '.git/hooks/pre-commit') ?? '', /\.git, which the sandbox keeps read-only/);
    assert.match(patchWriteDenial(policy, path.join(cwd, '.git'), path.join(real, '.git', 'hooks', 'x')) ?? '', /read-only/);
    assert.match(patchWriteDenial(policy, cwd, 'sub/.codex/config.toml') ?? '', /\.codex folder/);
    assert.match(patchWriteDenial(policy, cwd, path.join(parent, '.agents', 'x')) ?? '', /read-only/);
    assert.equal(patchWriteDenial(policy, cwd, 'src/ok.ts'), null);
    assert.match(patchWriteDenial(workspace(cwd), cwd, '../x') ?? '', /outside the writable roots/);
  });

  it('missing protected names cannot be created inside, and their placeholders go away afterwards', function () {
    if (!bubblewrapStatus().available) this.skip();
    const root = fs.realpathSync(makeTempDir('sandbox-unit-missing-'));
    const script = 'mkdir -p .codex .agents .git/hooks; echo x > .codex/config.toml; echo x > .agents/a; echo x > .git/hooks/pre-commit; rmdir .codex; mv .agents gone; echo ok > fine.txt; true';
    const first = sandboxCommand(workspace(root), root, root, ['/bin/sh', '-c', script]);
    const second = sandboxCommand(workspace(root), root, root, ['/bin/sh', '-c', 'true']);
    assert.equal(fs.statSync(path.join(root, '.codex')).isDirectory(), true, 'the placeholder exists while a sandbox runs');
    spawnSync(first.argv[0], first.argv.slice(1), { cwd: root });
    first.release();
    assert.equal(fs.existsSync(path.join(root, '.codex')), true, 'still held by the second sandbox');
    second.release();
    assert.deepEqual(fs.readdirSync(root).sort(), ['fine.txt'], 'only the allowed write remains, no placeholder');
    assert.equal(heldPlaceholderCount(), 0);
    assert.equal(fs.existsSync(path.join(os.tmpdir(), 'codex-vscode-sandbox-placeholders')), false, 'no registry left in the temp dir');
  });

  it('a server killed mid-command leaves placeholders that the next one removes', function () {
    if (!bubblewrapStatus().available) this.skip();
    const root = fs.realpathSync(makeTempDir('sandbox-unit-crash-'));
    const script = `
      const { sandboxCommand } = require(${JSON.stringify(path.resolve('server/sandbox/bubblewrap.ts'))});
      sandboxCommand(${JSON.stringify(workspace(root))}, ${JSON.stringify(root)}, ${JSON.stringify(root)}, ['true']);
      process.kill(process.pid, 'SIGKILL');`;
    spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { stdio: 'ignore' });
    assert.deepEqual(fs.readdirSync(root).sort(), ['.agents', '.codex', '.git'], 'the killed process left its placeholders');
    const next = sandboxCommand(workspace(root), root, root, ['true']);
    next.release();
    assert.deepEqual(fs.readdirSync(root), [], 'swept by the next sandbox');
  });

  it('refuses to sandbox when a protected name is a symlink (the link could be swapped)', () => {
    const root = fs.realpathSync(makeTempDir('sandbox-unit-link-'));
    fs.mkdirSync(path.join(root, 'decoy'));
    fs.symlinkSync('decoy', path.join(root, '.codex'));
    if (!bubblewrapStatus().available) return;
    assert.throws(() => sandboxCommand(workspace(root), root, root, ['true']), SandboxSetupError);
    assert.equal(heldPlaceholderCount(), 0, 'placeholders made before the refusal are released');
  });

  it('approval verdicts follow the policy', () => {
    const ws = workspace(cwd);
    assert.deepEqual(commandVerdict('never', ws, { cmd: 'make', escalated: false }), { action: 'sandboxed' });
    assert.equal(commandVerdict('never', ws, { cmd: 'make', escalated: true }).action, 'reject');
    assert.deepEqual(commandVerdict('on-request', ws, { cmd: 'make', escalated: true }), { action: 'ask' });
    assert.deepEqual(commandVerdict('on-request', { type: 'dangerFullAccess' }, { cmd: 'rm -rf x', escalated: false }), { action: 'unsandboxed' });
    assert.deepEqual(commandVerdict('untrusted', ws, { cmd: 'rm x', escalated: false }), { action: 'ask' });
    assert.deepEqual(commandVerdict('untrusted', ws, { cmd: 'ls -la', escalated: false }), { action: 'sandboxed' });
    const granular = (sandbox_approval: boolean) => ({ granular: { sandbox_approval, rules: true, skill_approval: true, request_permissions: true, mcp_elicitations: true } });
    assert.deepEqual(commandVerdict(granular(true), ws, { cmd: 'x', escalated: true }), { action: 'ask' });
    assert.equal(commandVerdict(granular(false), ws, { cmd: 'x', escalated: true }).action, 'reject');
    assert.deepEqual(patchVerdict('never', true), { action: 'apply' });
    assert.equal(patchVerdict('never', false).action, 'reject');
    assert.deepEqual(patchVerdict('on-failure', false), { action: 'ask' });
    assert.equal(isKnownSafeCommand('cat a > b'), false);
    assert.equal(retryUnsandboxedOnFailure('on-failure', "touch: cannot touch 'x': Read-only file system"), true);
    assert.equal(retryUnsandboxedOnFailure('on-failure', '1 test failed'), false);
    assert.equal(retryUnsandboxedOnFailure('on-request', 'Permission denied'), false);
  });
});
