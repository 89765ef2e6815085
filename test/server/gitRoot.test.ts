/**
 * The shared git-root helper against real layouts: an empty placeholder
 * `.git` folder above the workspace (what a killed sandbox leaves behind,
 * e.g. `/tmp/.git`), a linked worktree and a submodule (`.git` files), both
 * with git on PATH and with the file-check fallback. Each case also checks
 * the server's turn diff paths and the extension's diff review resolution.
 * Placeholders are made inside the test's own temp folder, never in /tmp.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { diffPathResolver, readTextFile } from '../../extension/diff/core/diffRoot';
import { ReviewStore } from '../../extension/diff/core/reviewStore';
import { TurnDiffTracker } from '../../server/diff/turnDiff';
import { clearGitRootCache, findGitRoot, hasRealGitEntry, walkForRepository } from '../../shared/gitRoot';
import { makeTempDir, testHome } from '../helpers/tempDir';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'protocol.file.allow=always', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: testHome(), GIT_CONFIG_NOSYSTEM: '1' },
  });

function repoWithCommit(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  fs.writeFileSync(path.join(dir, 'README.md'), 'hello\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}

/** A temp folder holding an empty `.git` placeholder, like the reference sandbox's. */
function underPlaceholder(): string {
  const base = makeTempDir('gitroot-');
  fs.mkdirSync(path.join(base, '.git'));
  return base;
}

/** Edits `rel` under `root` through the server's tracker started in `cwd`; returns the diff. */
function serverDiff(cwd: string, file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'before\n');
  const tracker = new TurnDiffTracker(cwd);
  tracker.remember(file);
  fs.writeFileSync(file, 'after\n');
  return tracker.diff();
}

/** Both sides together: the server's diff, resolved by the extension's review store, names `file`. */
function assertRoundTrip(cwd: string, file: string, expectedDiffPath: string): void {
  const diff = serverDiff(cwd, file);
  assert.match(diff, new RegExp(`^diff --git a/${expectedDiffPath} b/${expectedDiffPath}\\n`));
  const store = new ReviewStore(readTextFile);
  const { errors } = store.applyTurnDiff({ threadId: 't', turnId: 'u' }, diff, diffPathResolver(cwd));
  assert.deepEqual(errors, []);
  assert.deepEqual(store.list().map((f) => f.key), [file]);
  assert.equal(store.get(file)!.reviewBase, 'before\n');
}

/** Runs `body` twice: with git on PATH, then with the file-check fallback (no git found). */
function withAndWithoutGit(name: string, body: () => void): void {
  for (const gitAvailable of [true, false]) {
    it(`${name} (${gitAvailable ? 'asking git' : 'file check, git not on PATH'})`, () => {
      clearGitRootCache();
      const savedPath = process.env.PATH;
      if (!gitAvailable) process.env.PATH = '';
      try {
        body();
      } finally {
        process.env.PATH = savedPath;
        clearGitRootCache();
      }
    });
  }
}

describe('shared git root', () => {
  withAndWithoutGit('an empty .git folder above the workspace is no repository', () => {
    const base = underPlaceholder();
    const ws = path.join(base, 'ws');
    fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
    assert.equal(findGitRoot(ws), undefined);
    assert.equal(findGitRoot(path.join(ws, 'src')), undefined);
    // The placeholder folder itself is no repository either.
    assert.equal(findGitRoot(base), undefined);
    assertRoundTrip(ws, path.join(ws, 'src', 'a.txt'), 'src/a.txt');
  });

  it("reads the reference's placeholder-rooted diff paths back inside the workspace, never outside it", () => {
    // The reference takes any `.git` for a root, so under a stray placeholder its paths start with the workspace's folder name.
    const base = underPlaceholder();
    const ws = path.join(base, 'ws');
    fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'after\n');
    fs.mkdirSync(path.join(base, 'other'));
    fs.writeFileSync(path.join(base, 'other', 'x.txt'), 'outside\n');
    const resolve = diffPathResolver(ws);
    assert.equal(resolve('ws/src/a.txt'), path.join(ws, 'src', 'a.txt'), 'an existing file');
    assert.equal(resolve('ws/gone.txt'), path.join(ws, 'gone.txt'), 'a deleted file');
    assert.equal(resolve('src/a.txt'), path.join(ws, 'src', 'a.txt'), 'our own reading still wins');
    assert.equal(resolve('other/x.txt'), path.join(ws, 'other', 'x.txt'), 'never a file outside the workspace');
    const diff = 'diff --git a/ws/src/a.txt b/ws/src/a.txt\nindex 1..2\n--- a/ws/src/a.txt\n+++ b/ws/src/a.txt\n@@ -1 +1 @@\n-before\n+after\n';
    const store = new ReviewStore(readTextFile);
    assert.deepEqual(store.applyTurnDiff({ threadId: 't', turnId: 'u' }, diff, resolve).errors, []);
    assert.deepEqual(store.list().map((f) => [f.key, f.reviewBase]), [[path.join(ws, 'src', 'a.txt'), 'before\n']]);
  });

  withAndWithoutGit('a real repository below a placeholder is found at its own root', () => {
    const base = underPlaceholder();
    const repo = path.join(base, 'repo');
    fs.mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo], { env: { ...process.env, PATH: process.env.PATH || '/usr/bin:/bin' } });
    const pkg = path.join(repo, 'pkg');
    fs.mkdirSync(pkg);
    assert.equal(findGitRoot(pkg), repo);
    assertRoundTrip(pkg, path.join(pkg, 'x.txt'), 'pkg/x.txt');
  });

  describe('.git files', () => {
    let base: string;
    let worktree: string;
    let superRepo: string;
    before(() => {
      // Real git layouts, built once with git on PATH.
      base = underPlaceholder();
      const main = repoWithCommit(path.join(base, 'main'));
      worktree = path.join(base, 'wt');
      git(main, 'worktree', 'add', '-q', worktree);
      const lib = repoWithCommit(path.join(base, 'lib'));
      superRepo = repoWithCommit(path.join(base, 'super'));
      git(superRepo, 'submodule', 'add', '-q', lib, 'lib');
      assert.ok(fs.statSync(path.join(worktree, '.git')).isFile(), 'the worktree has a .git file');
      assert.ok(fs.statSync(path.join(superRepo, 'lib', '.git')).isFile(), 'the submodule has a .git file');
    });

    withAndWithoutGit('a linked worktree is its own root', () => {
      assert.equal(findGitRoot(path.join(worktree)), worktree);
      fs.mkdirSync(path.join(worktree, 'sub'), { recursive: true });
      assert.equal(findGitRoot(path.join(worktree, 'sub')), worktree);
      assertRoundTrip(path.join(worktree, 'sub'), path.join(worktree, 'sub', 'w.txt'), 'sub/w.txt');
    });

    withAndWithoutGit('a submodule is its own root, the superproject above it another', () => {
      const lib = path.join(superRepo, 'lib');
      assert.equal(findGitRoot(lib), lib);
      assert.equal(findGitRoot(superRepo), superRepo);
      assertRoundTrip(lib, path.join(lib, 'src', 'm.txt'), 'src/m.txt');
      fs.mkdirSync(path.join(superRepo, 'docs'), { recursive: true });
      assertRoundTrip(path.join(superRepo, 'docs'), path.join(superRepo, 'docs', 'd.txt'), 'docs/d.txt');
    });
  });

  it('the file check: a folder with HEAD or a gitdir file to an existing folder; nothing else', () => {
    const base = makeTempDir('gitroot-check-');
    const at = (name: string) => fs.mkdirSync(path.join(base, name), { recursive: true });
    at('empty');
    fs.mkdirSync(path.join(base, 'empty', '.git'));
    at('withHead/.git');
    fs.writeFileSync(path.join(base, 'withHead', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    at('target');
    at('pointer');
    fs.writeFileSync(path.join(base, 'pointer', '.git'), 'gitdir: ../target\n');
    at('dangling');
    fs.writeFileSync(path.join(base, 'dangling', '.git'), 'gitdir: ../missing\n');
    at('garbage');
    fs.writeFileSync(path.join(base, 'garbage', '.git'), 'not a pointer\n');
    const verdicts = Object.fromEntries(['empty', 'withHead', 'pointer', 'dangling', 'garbage'].map((n) => [n, hasRealGitEntry(path.join(base, n))]));
    assert.deepEqual(verdicts, { empty: false, withHead: true, pointer: true, dangling: false, garbage: false });
    assert.equal(walkForRepository(path.join(base, 'empty')), null);
    assert.equal(walkForRepository(path.join(base, 'pointer')), path.join(base, 'pointer'));
  });

  it('notices a later `git init` and a removed repository despite the cache', () => {
    clearGitRootCache();
    const dir = makeTempDir('gitroot-cache-');
    assert.equal(findGitRoot(dir), undefined);
    assert.equal(findGitRoot(dir), undefined);
    execFileSync('git', ['init', '-q', dir]);
    assert.equal(findGitRoot(dir), dir);
    fs.rmSync(path.join(dir, '.git'), { recursive: true });
    fs.mkdirSync(path.join(dir, '.git'));
    assert.equal(findGitRoot(dir), undefined, 'an emptied .git is a placeholder now');
  });
});
