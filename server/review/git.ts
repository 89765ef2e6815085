/**
 * The diff of a review target, computed with real git in the thread's cwd.
 * The model gets it up front (it can still run git itself); a target git
 * cannot resolve is described as such instead of failing the review.
 */
import { execFile } from 'node:child_process';
import type { ReviewTarget } from '../../protocol/review';

/** Diff text beyond this is cut (the model can page through the rest with git). */
const MAX_DIFF_CHARS = 200_000;
const MAX_UNTRACKED_FILES = 200;

export interface TargetDiff {
  /** The unified diff (possibly cut), or '' when there is nothing to show. */
  diff: string;
  /** The merge base of a base-branch review, when git found one. */
  mergeBase: string | null;
  /** Why git could not produce the diff (not a repository, unknown branch…), or null. */
  problem: string | null;
  truncated: boolean;
}

function git(cwd: string, args: string[], okCodes = [0]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_PAGER: 'cat', LC_ALL: 'C' } }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      if (okCodes.includes(code)) resolve(stdout);
      else reject(new Error((stderr || error?.message || `git ${args[0]} failed`).trim()));
    });
  });
}

async function hasHead(cwd: string): Promise<boolean> {
  return git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']).then(() => true, () => false);
}

async function uncommittedDiff(cwd: string): Promise<string> {
  const tracked = (await hasHead(cwd)) ? await git(cwd, ['diff', 'HEAD', '--']) : await git(cwd, ['diff', '--cached', '--']);
  const untracked = (await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean).slice(0, MAX_UNTRACKED_FILES);
  const parts = [tracked];
  // `git diff --no-index` exits 1 when the files differ, which they always do here.
  for (const file of untracked) parts.push(await git(cwd, ['diff', '--no-index', '--', '/dev/null', file], [0, 1]));
  return parts.join('');
}

export async function diffOfTarget(cwd: string, target: ReviewTarget): Promise<TargetDiff> {
  let mergeBase: string | null = null;
  try {
    await git(cwd, ['rev-parse', '--is-inside-work-tree']);
    let diff: string;
    switch (target.type) {
      case 'uncommittedChanges':
        diff = await uncommittedDiff(cwd);
        break;
      case 'baseBranch':
        mergeBase = (await git(cwd, ['merge-base', 'HEAD', target.branch])).trim();
        // Against the merge base, working tree included: what the branch adds, as the reviewer sees it.
        diff = await git(cwd, ['diff', mergeBase, '--']);
        break;
      case 'commit':
        diff = await git(cwd, ['show', '--format=', '--no-color', target.sha, '--']);
        break;
      case 'custom':
        return { diff: '', mergeBase: null, problem: null, truncated: false };
    }
    const truncated = diff.length > MAX_DIFF_CHARS;
    return { diff: truncated ? diff.slice(0, MAX_DIFF_CHARS) : diff, mergeBase, problem: null, truncated };
  } catch (error) {
    return { diff: '', mergeBase, problem: (error as Error).message, truncated: false };
  }
}
