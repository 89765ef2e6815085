/**
 * Runs commands under bubblewrap on Linux: the whole filesystem read-only,
 * the policy's writable roots bound writable again (with `.git`, `.codex` and
 * `.agents` inside them kept read-only, existing or not), a private /dev and
 * /proc, no capabilities, and no network unless the policy allows it. Where bubblewrap is missing or cannot create namespaces
 * the caller gets a clear reason instead of a silent unsandboxed run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SandboxPolicy } from '../../protocol/items';
import { acquirePlaceholders, isHeldPlaceholder, sweepStalePlaceholders } from './placeholders';
import { protectedPathsOf, writableRootsOf } from './protectedPaths';

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
function policyRestricts(policy: SandboxPolicy): boolean {
  return policy.type === 'readOnly' || policy.type === 'workspaceWrite';
}

export { isWritableUnder, PROTECTED_NAMES, writableRootsOf } from './protectedPaths';

/** A sandbox that cannot be built safely (the command must not run). */
export class SandboxSetupError extends Error {}

/**
 * The protected entries under the policy's roots: existing ones (bound
 * read-only as they are) and missing ones (they need a placeholder mount
 * point, or share one a running sandbox made). A protected name that is a symlink cannot be kept read-only (the
 * link itself could be replaced), so the sandbox refuses to start.
 */
function protectedMounts(roots: string[]): { existing: string[]; missing: string[] } {
  const existing: string[] = [];
  const missing: string[] = [];
  for (const entry of protectedPathsOf(roots)) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(entry);
    } catch {
      // A gitdir named by a pointer file is only protected where it exists; the names themselves always are.
      if (roots.includes(path.dirname(entry))) missing.push(entry);
      continue;
    }
    // Another sandbox's placeholder is joined, not taken for a real folder: it must stay until both have ended.
    if (stat.isDirectory() && roots.includes(path.dirname(entry)) && isHeldPlaceholder(entry)) missing.push(entry);
    if (stat.isSymbolicLink()) {
      throw new SandboxSetupError(`${entry} is a symbolic link; the sandbox keeps ${path.basename(entry)} read-only and cannot do that for a link (replace it with a folder)`);
    }
    if (roots.some((root) => !path.relative(root, entry).startsWith('..'))) existing.push(entry);
  }
  return { existing, missing };
}

/**
 * The bwrap argv that wraps `command` (already an argv). Writable roots and
 * protected folders come from the policy and its cwd (`policyCwd`, the
 * thread's); `commandCwd` is only where the command starts. Missing protected
 * names must exist as placeholders already (see sandboxCommand).
 */
export function bubblewrapArgs(policy: SandboxPolicy, policyCwd: string, commandCwd: string, command: string[]): string[] {
  // --new-session moves the command out of our process group, so the sandbox gets its own PID
  // namespace: killing bwrap (its parent dies → SIGKILL) then ends every process inside.
  const args = ['--new-session', '--die-with-parent', '--unshare-pid'];
  // Run as root, bwrap keeps every capability: the command could remount / writable. Drop them all.
  if (process.getuid?.() === 0) args.push('--cap-drop', 'ALL');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  const roots = writableRootsOf(policy, policyCwd);
  for (const root of roots) args.push('--bind', root, root);
  // Protected folders are bound read-only after every writable bind, so a
  // broader root (like /tmp around the cwd) cannot make them writable again.
  const { existing } = protectedMounts(roots);
  for (const entry of existing) args.push('--ro-bind', entry, entry);
  const network = policy.type === 'readOnly' || policy.type === 'workspaceWrite' ? policy.networkAccess : true;
  if (!network) args.push('--unshare-net');
  args.push('--chdir', commandCwd, '--', ...command);
  return args;
}

interface SandboxedCommand {
  argv: string[];
  sandboxed: boolean;
  warning: string | null;
  /** Call once the process has exited: removes placeholder mount points nobody else uses. */
  release: () => void;
}

/**
 * Wraps an argv for the policy. Returns the argv to spawn and, when the
 * policy asks for a sandbox that cannot be built, the warning to show.
 * Throws SandboxSetupError when running would not be safe.
 */
export function sandboxCommand(policy: SandboxPolicy, policyCwd: string, commandCwd: string, command: string[]): SandboxedCommand {
  const none = () => {};
  if (!policyRestricts(policy)) return { argv: command, sandboxed: false, warning: null, release: none };
  const status = bubblewrapStatus();
  if (!status.available) {
    return { argv: command, sandboxed: false, warning: `Commands run WITHOUT a sandbox: ${status.reason}`, release: none };
  }
  sweepStalePlaceholders();
  const release = acquirePlaceholders(protectedMounts(writableRootsOf(policy, policyCwd)).missing);
  try {
    return { argv: [findBwrap()!, ...bubblewrapArgs(policy, policyCwd, commandCwd, command)], sandboxed: true, warning: null, release };
  } catch (error) {
    release();
    throw error;
  }
}

export const defaultShell = (): string => {
  const shell = process.env.SHELL;
  return shell && fs.existsSync(shell) ? shell : fs.existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
};

