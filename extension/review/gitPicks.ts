/** Branches and recent commits of the workspace repository, for the review target pickers (real git). */
import { execFile } from 'node:child_process';

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error((stderr || error.message).trim())) : resolve(stdout))),
  );
}

export interface BranchPick {
  name: string;
  current: boolean;
}

/** Local branches, the current one flagged (`git branch`). */
export async function listBranches(cwd: string): Promise<BranchPick[]> {
  const out = await git(cwd, ['branch', '--format=%(HEAD)%00%(refname:short)']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [head, name] = line.split('\0');
      return { name, current: head === '*' };
    });
}

export interface CommitPick {
  sha: string;
  subject: string;
  author: string;
  date: string;
}

/** The most recent commits of HEAD (`git log`). */
export async function listCommits(cwd: string, limit = 30): Promise<CommitPick[]> {
  const out = await git(cwd, ['log', `-n${limit}`, '--format=%H%x00%s%x00%an%x00%ar']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, subject, author, date] = line.split('\0');
      return { sha, subject, author, date };
    });
}
