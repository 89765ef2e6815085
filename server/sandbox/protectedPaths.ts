/**
 * The folders a workspace-write sandbox keeps read-only inside every writable
 * root (`.git`, `.codex`, `.agents`), and the path checks patches go through.
 * Writable roots come from the thread's policy alone (its cwd, extra roots,
 * /tmp and $TMPDIR unless excluded): where a command runs or a patch is
 * applied never adds one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SandboxPolicy } from '../../protocol/items';

/** Names that hold repository hooks, project config and agent skills: writing them could escape the sandbox later. */
export const PROTECTED_NAMES = ['.git', '.codex', '.agents'] as const;

/** The folders a policy lets commands write (absolute, resolved, existing), from the policy's own cwd. */
export function writableRootsOf(policy: SandboxPolicy, policyCwd: string): string[] {
  if (policy.type !== 'workspaceWrite') return [];
  const roots = [policyCwd, ...policy.writableRoots];
  if (!policy.excludeSlashTmp) roots.push('/tmp');
  if (!policy.excludeTmpdirEnvVar && process.env.TMPDIR) roots.push(process.env.TMPDIR);
  const unique = new Set<string>();
  for (const root of roots) {
    try {
      unique.add(fs.realpathSync(path.resolve(policyCwd, root)));
    } catch {
      /* missing roots are skipped */
    }
  }
  return [...unique];
}

/**
 * Every protected path under the roots (existing or not), plus the gitdir a
 * `.git` pointer file names (worktrees, submodules), resolved.
 */
export function protectedPathsOf(roots: string[]): string[] {
  const out = new Set<string>();
  for (const root of roots) {
    for (const name of PROTECTED_NAMES) {
      const entry = path.join(root, name);
      out.add(entry);
      const gitdir = name === '.git' ? gitdirOfPointer(entry) : null;
      if (gitdir) out.add(gitdir);
    }
  }
  return [...out];
}

function gitdirOfPointer(entry: string): string | null {
  try {
    if (!fs.lstatSync(entry).isFile()) return null;
    const match = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(entry, 'utf8'));
    return match ? realpathOfNearest(path.resolve(path.dirname(entry), match[1].trim())) : null;
  } catch {
    return null;
  }
}

const isInside = (parent: string, child: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Why the policy does not let a patch write `file`, or null when it may.
 * The path is resolved first (`..`, symlinks, dangling ones included), then
 * checked against every root and every protected path at once: a broader
 * root (like /tmp around the workspace) never re-opens a protected folder.
 * Below a root, a protected name at any depth is refused too.
 */
export function patchWriteDenial(policy: SandboxPolicy, policyCwd: string, file: string): string | null {
  if (policy.type === 'dangerFullAccess' || policy.type === 'externalSandbox') return null;
  if (policy.type === 'readOnly') return `the sandbox is read-only, so ${file} cannot be written`;
  const target = realpathOfNearest(path.resolve(policyCwd, file));
  const roots = writableRootsOf(policy, policyCwd);
  const protectedHit = protectedPathsOf(roots).find((p) => isInside(p, target) || isInside(realpathOfNearest(p), target));
  if (protectedHit) return `${target} is inside ${protectedHit}, which the sandbox keeps read-only`;
  // The innermost root decides which folders count as nested below it.
  const root = roots.filter((r) => isInside(r, target)).sort((a, b) => b.length - a.length)[0];
  if (!root) return `${target} is outside the writable roots (${roots.join(', ') || 'none'})`;
  const nested = path.relative(root, target).split(path.sep).find((segment) => (PROTECTED_NAMES as readonly string[]).includes(segment));
  if (nested) return `${target} is inside a ${nested} folder, which the sandbox keeps read-only`;
  return null;
}

/** Is `file` inside a writable root and outside every protected folder? */
export function isWritableUnder(policy: SandboxPolicy, policyCwd: string, file: string): boolean {
  return patchWriteDenial(policy, policyCwd, file) === null;
}

/**
 * Resolves symlinks of the deepest existing ancestor (the file may not exist
 * yet). A dangling symlink is followed to where it points: writing through it
 * would create its target, which may lie outside every writable root.
 */
function realpathOfNearest(file: string, linksFollowed = 0): string {
  let current = file;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...rest);
    } catch {
      const target = danglingLinkTarget(current);
      if (target !== null) {
        // Like the kernel, give up on link loops; an unresolvable path is treated as the link itself.
        if (linksFollowed >= 40) return path.join(current, ...rest);
        return realpathOfNearest(path.join(path.resolve(path.dirname(current), target), ...rest), linksFollowed + 1);
      }
      const parent = path.dirname(current);
      if (parent === current) return file;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

function danglingLinkTarget(file: string): string | null {
  try {
    return fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : null;
  } catch {
    return null;
  }
}
