/**
 * Runs commands under bubblewrap on Linux: the whole filesystem read-only,
 * the writable roots bound writable again (with `.git` and `.codex` inside
 * them kept read-only), a private /dev and /proc, and no network unless the
 * policy allows it. Where bubblewrap is missing or cannot create namespaces
 * the caller gets a clear reason instead of a silent unsandboxed run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SandboxPolicy } from '../protocol/items';

export const PROTECTED_NAMES = ['.git', '.codex'];

let probed: { available: boolean; reason: string | null } | undefined;

/** Checks once whether bwrap exists and can build a sandbox here. */
export function bubblewrapStatus(): { available: boolean; reason: string | null } {
  if (probed) return probed;
  if (process.platform !== 'linux') {
    probed = { available: false, reason: `sandboxing with bubblewrap is only available on Linux (this is ${process.platform})` };
    return probed;
  }
  const bwrap = findBwrap();
  if (!bwrap) {
    probed = { available: false, reason: 'bubblewrap (bwrap) is not installed; install it (Debian/Ubuntu: apt-get install bubblewrap) to sandbox commands' };
    return probed;
  }
  const probe = spawnSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-net', '--die-with-parent', '/bin/sh', '-c', ':'], { timeout: 5000, encoding: 'utf8' });
  probed =
    probe.status === 0
      ? { available: true, reason: null }
      : { available: false, reason: `bubblewrap cannot create a sandbox here: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}` };
  return probed;
}

export function findBwrap(): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'bwrap');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return null;
}

/** Whether a policy restricts anything (danger-full-access and external sandboxes do not need bwrap). */
export function policyRestricts(policy: SandboxPolicy): boolean {
  return policy.type === 'readOnly' || policy.type === 'workspaceWrite';
}

/** The folders a policy lets commands write (absolute, existing). */
export function writableRootsOf(policy: SandboxPolicy, cwd: string): string[] {
  if (policy.type !== 'workspaceWrite') return [];
  const roots = [cwd, ...policy.writableRoots];
  if (!policy.excludeSlashTmp) roots.push('/tmp');
  if (!policy.excludeTmpdirEnvVar && process.env.TMPDIR) roots.push(process.env.TMPDIR);
  const unique = new Set<string>();
  for (const root of roots) {
    try {
      unique.add(fs.realpathSync(path.resolve(cwd, root)));
    } catch {
      /* missing roots are skipped */
    }
  }
  return [...unique];
}

/** Is `file` inside a writable root and outside the protected folders? */
export function isWritableUnder(policy: SandboxPolicy, cwd: string, file: string): boolean {
  if (policy.type === 'dangerFullAccess' || policy.type === 'externalSandbox') return true;
  const target = realpathOfNearest(path.resolve(cwd, file));
  return writableRootsOf(policy, cwd).some((root) => {
    const rel = path.relative(root, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
    const first = rel.split(path.sep)[0];
    return !PROTECTED_NAMES.includes(first);
  });
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

/** The bwrap argv that wraps `command` (already an argv) under `policy`. */
export function bubblewrapArgs(policy: SandboxPolicy, cwd: string, command: string[]): string[] {
  // --new-session moves the command out of our process group, so the sandbox gets its own PID
  // namespace: killing bwrap (its parent dies → SIGKILL) then ends every process inside.
  const args = ['--new-session', '--die-with-parent', '--unshare-pid', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  const roots = writableRootsOf(policy, cwd);
  for (const root of roots) args.push('--bind', root, root);
  // Protected folders are re-bound read-only after every writable bind, so a
  // broader root (like /tmp around the cwd) cannot make them writable again.
  for (const root of roots) {
    for (const name of PROTECTED_NAMES) {
      const inner = path.join(root, name);
      if (fs.existsSync(inner)) args.push('--ro-bind', inner, inner);
    }
  }
  const network = policy.type === 'readOnly' || policy.type === 'workspaceWrite' ? policy.networkAccess : true;
  if (!network) args.push('--unshare-net');
  args.push('--chdir', cwd, '--', ...command);
  return args;
}

/**
 * Wraps an argv for the policy. Returns the argv to spawn and, when the
 * policy asks for a sandbox that cannot be built, the warning to show.
 */
export function sandboxCommand(policy: SandboxPolicy, cwd: string, command: string[]): { argv: string[]; sandboxed: boolean; warning: string | null } {
  if (!policyRestricts(policy)) return { argv: command, sandboxed: false, warning: null };
  const status = bubblewrapStatus();
  if (!status.available) {
    return { argv: command, sandboxed: false, warning: `Commands run WITHOUT a sandbox: ${status.reason}` };
  }
  return { argv: [findBwrap()!, ...bubblewrapArgs(policy, cwd, command)], sandboxed: true, warning: null };
}

/** Used by tests to reset the probe (e.g. after changing PATH). */
export function resetBubblewrapProbe(): void {
  probed = undefined;
}

export const defaultShell = (): string => {
  const shell = process.env.SHELL;
  return shell && fs.existsSync(shell) ? shell : fs.existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
};

