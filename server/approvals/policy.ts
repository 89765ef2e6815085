/**
 * When a command or a patch needs the user's approval, from the approval
 * policy and the sandbox. The turn engine asks; this module only decides.
 */
import type { AskForApproval, SandboxPolicy } from '../../protocol/items';

/**
 * - `sandboxed`: run in the sandbox without asking.
 * - `unsandboxed`: run without a sandbox (danger-full-access, or approved).
 * - `ask`: ask the user first; on approval run without the sandbox.
 * - `reject`: refuse without asking (the policy forbids asking).
 */
type CommandVerdict = { action: 'sandboxed' | 'unsandboxed' | 'ask' } | { action: 'reject'; reason: string };

/** Read-only commands that `untrusted` lets run without asking. */
const SAFE_COMMANDS = new Set(['ls', 'cat', 'pwd', 'echo', 'head', 'tail', 'wc', 'grep', 'rg', 'true', 'false', 'which', 'whoami', 'date', 'nl', 'stat', 'id', 'uname', 'file']);

export function isKnownSafeCommand(cmd: string): boolean {
  // Anything that chains, redirects or substitutes is not obviously safe.
  if (/[;&|><`$()\n]/.test(cmd)) return false;
  const first = cmd.trim().split(/\s+/)[0] ?? '';
  return SAFE_COMMANDS.has(first);
}

const canAskForSandboxEscape = (policy: AskForApproval): boolean =>
  typeof policy === 'object' ? policy.granular.sandbox_approval : policy !== 'never';

export function commandVerdict(policy: AskForApproval, sandbox: SandboxPolicy, request: { cmd: string; escalated: boolean }): CommandVerdict {
  const unrestricted = sandbox.type === 'dangerFullAccess' || sandbox.type === 'externalSandbox';
  if (policy === 'untrusted' && !isKnownSafeCommand(request.cmd)) return { action: 'ask' };
  if (request.escalated && !unrestricted) {
    if (canAskForSandboxEscape(policy)) return { action: 'ask' };
    return { action: 'reject', reason: `approval policy ${JSON.stringify(policy)} does not allow running commands outside the sandbox; retry without require_escalated` };
  }
  return { action: unrestricted ? 'unsandboxed' : 'sandboxed' };
}

/** What commands print when the sandbox, not the command itself, made them fail. */
const SANDBOX_DENIAL = /read-only file system|permission denied|operation not permitted|network is unreachable|could not resolve host|temporary failure in name resolution/i;

/**
 * After a sandboxed command failed: `on-failure` offers to run it again
 * without the sandbox, when its output shows the sandbox was in the way (an
 * ordinary failure, like a failing test, is just reported).
 */
export function retryUnsandboxedOnFailure(policy: AskForApproval, output: string): boolean {
  return policy === 'on-failure' && SANDBOX_DENIAL.test(output);
}

type PatchVerdict = { action: 'apply' | 'ask' } | { action: 'reject'; reason: string };

export function patchVerdict(policy: AskForApproval, allPathsWritable: boolean): PatchVerdict {
  if (allPathsWritable && policy !== 'untrusted') return { action: 'apply' };
  if (canAskForSandboxEscape(policy)) return { action: 'ask' };
  return { action: 'reject', reason: 'the sandbox does not allow this write, and the approval policy does not allow asking for it' };
}

/** What the user allowed for the rest of the session (`acceptForSession`). */
export class SessionApprovals {
  private readonly commands = new Set<string>();
  private readonly patchPaths = new Set<string>();

  allowCommand(cmd: string): void {
    this.commands.add(cmd.trim());
  }
  isCommandAllowed(cmd: string): boolean {
    return this.commands.has(cmd.trim());
  }
  allowPaths(paths: string[]): void {
    for (const p of paths) this.patchPaths.add(p);
  }
  arePathsAllowed(paths: string[]): boolean {
    return paths.length > 0 && paths.every((p) => this.patchPaths.has(p));
  }
}
