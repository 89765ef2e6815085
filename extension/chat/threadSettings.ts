/** The thread settings the chat sends, from the composer's pickers (model, approval policy, sandbox mode). */
import type { ApprovalPolicy, SandboxMode } from '../client/protocolTypes';

/** The pickers' values; '' means "use config.toml's". */
export interface PickerValues {
  model: string;
  approvalPolicy: string;
  sandboxMode: string;
}

export type ThreadStartSettings = { model?: string; cwd?: string; approvalPolicy?: ApprovalPolicy; sandbox?: SandboxMode };

/** Settings for thread/start, thread/resume and thread/fork. */
export function threadStartSettings(pickers: PickerValues, cwd: string | undefined): ThreadStartSettings {
  return {
    ...(pickers.model ? { model: pickers.model } : {}),
    ...(cwd ? { cwd } : {}),
    ...(pickers.approvalPolicy ? { approvalPolicy: normalizePolicy(pickers.approvalPolicy) } : {}),
    ...(pickers.sandboxMode ? { sandbox: pickers.sandboxMode as SandboxMode } : {}),
  };
}

/** Overrides sent with each turn so picker changes apply to the running thread. */
export function turnOverrides(pickers: PickerValues): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  if (pickers.model) overrides.model = pickers.model;
  if (pickers.approvalPolicy) overrides.approvalPolicy = normalizePolicy(pickers.approvalPolicy);
  if (pickers.sandboxMode) overrides.sandboxPolicy = sandboxPolicyFor(pickers.sandboxMode);
  return overrides;
}

function normalizePolicy(policy: string): ApprovalPolicy {
  // `on-failure` is deprecated in the v2 protocol; `on-request` is its successor.
  return (policy === 'on-failure' ? 'on-request' : policy) as ApprovalPolicy;
}

function sandboxPolicyFor(mode: string): unknown {
  switch (mode) {
    case 'read-only':
      return { type: 'readOnly', networkAccess: false };
    case 'workspace-write':
      return { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false };
    case 'danger-full-access':
      return { type: 'dangerFullAccess' };
    default:
      return undefined;
  }
}
