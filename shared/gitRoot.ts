/**
 * The root of the git work tree containing a folder, shared by the server
 * (turn diffs) and the extension (diff review), so both agree on what diff
 * paths are relative to.
 *
 * Only a real repository or worktree counts. Sandboxes (the reference's
 * among them) protect `.git` by creating EMPTY placeholder folders in writable
 * roots; one left behind (e.g. `/tmp/.git`) must not turn every folder below
 * it into a "repository". git itself is asked first (`rev-parse
 * --show-toplevel`); where git is missing or refuses (dubious ownership…), a
 * file check decides: a `.git` folder with a `HEAD`, or a `.git` file whose
 * `gitdir:` names an existing folder (worktrees, submodules).
 *
 * git's answer is cached per folder, keyed by the file check's answer (a
 * stat walk, well under a millisecond): diff updates arrive many times a turn
 * and a git process costs milliseconds (tens on a loaded machine), while a
 * `git init`, a new worktree or a removed repository changes the file check
 * and so is noticed on the next call.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const cache = new Map<string, { fileCheck: string | null; root: string | null }>();

/** The work tree root at or above `startDir`, or undefined outside any repository. */
export function findGitRoot(startDir: string): string | undefined {
  const dir = path.resolve(startDir);
  const fileCheck = walkForRepository(dir);
  const cached = cache.get(dir);
  if (cached && cached.fileCheck === fileCheck) return cached.root ?? undefined;
  const fromGit = askGit(dir);
  const root = fromGit === 'unknown' ? fileCheck : fromGit;
  if (cache.size > 500) cache.clear();
  cache.set(dir, { fileCheck, root });
  return root ?? undefined;
}

/** Forgets cached answers (tests that turn a folder into a repository and back). */
export function clearGitRootCache(): void {
  cache.clear();
}

/**
 * True when `dir/.git` is a real repository: a folder with a HEAD, or a
 * `gitdir:` file pointing at a folder that exists. Empty placeholders are not.
 */
export function hasRealGitEntry(dir: string): boolean {
  const dotGit = path.join(dir, '.git');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dotGit);
  } catch {
    return false;
  }
  if (stat.isDirectory()) return fs.existsSync(path.join(dotGit, 'HEAD'));
  if (!stat.isFile()) return false;
  try {
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
    return !!match && fs.statSync(path.resolve(dir, match[1])).isDirectory();
  } catch {
    return false;
  }
}

/** The file-check fallback: the nearest folder at or above `dir` with a real `.git`. */
export function walkForRepository(dir: string): string | null {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (hasRealGitEntry(current)) return current;
    if (path.dirname(current) === current) return null;
  }
}

/**
 * The nearest folder at or above `dir` with ANY `.git` entry, placeholders
 * included: how the reference codex finds the root of its turn diffs.
 * Only for reading paths it produced; never a repository by itself.
 */
export function nearestDotGitEntry(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/** git's answer: the root, null when git says "not a repository", 'unknown' when git cannot tell. */
function askGit(dir: string): string | null | 'unknown' {
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 3000,
      env: gitEnv(),
    }).trim();
    // A bare repository or the inside of `.git` has no work tree: let the file check decide.
    return out ? logicalPath(dir, out) : 'unknown';
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    return /not a git repository/i.test(stderr) ? null : 'unknown';
  }
}

/** The process env without GIT_DIR & co., which would make git answer for another repository. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^GIT_(DIR|WORK_TREE|COMMON_DIR|INDEX_FILE|PREFIX)$/.test(key)) env[key] = value;
  }
  return env;
}

/**
 * git prints the real path; callers compare with the path they were given
 * (which may go through a symlink, e.g. macOS `/tmp`). Returns the ancestor of
 * `dir` that is the same folder as `gitRoot`, or `gitRoot` itself.
 */
function logicalPath(dir: string, gitRoot: string): string {
  const target = path.resolve(gitRoot);
  for (let current = dir; ; current = path.dirname(current)) {
    if (current === target) return current;
    try {
      if (fs.realpathSync(current) === target) return current;
    } catch {
      /* vanished folder: keep walking */
    }
    if (path.dirname(current) === current) return target;
  }
}
