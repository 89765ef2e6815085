/** The thread settings the chat sends, from the composer's pickers (model, approval policy, sandbox mode). */
import type { AskForApproval, ClientParams, SandboxMode, SandboxPolicy } from '../../protocol';

/** The pickers' values; '' means "use config.toml's". */
export interface PickerValues {
  model: string;
  /** Reasoning effort for the next turns ('' = the model's default); a resumed thread brings its own. */
  effort: string;
  approvalPolicy: string;
  sandboxMode: string;
}

export type ThreadStartSettings = Pick<ClientParams<'thread/start'>, 'model' | 'cwd' | 'approvalPolicy' | 'sandbox'>;

/** The per-turn overrides of turn/start. */
export type TurnOverrides = Pick<ClientParams<'turn/start'>, 'model' | 'effort' | 'approvalPolicy' | 'sandboxPolicy'>;

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
export function turnOverrides(pickers: PickerValues): TurnOverrides {
  const overrides: TurnOverrides = {};
  if (pickers.model) overrides.model = pickers.model;
  if (pickers.effort) overrides.effort = pickers.effort as TurnOverrides['effort'];
  if (pickers.approvalPolicy) overrides.approvalPolicy = normalizePolicy(pickers.approvalPolicy);
  if (pickers.sandboxMode) overrides.sandboxPolicy = sandboxPolicyFor(pickers.sandboxMode);
  return overrides;
}

function normalizePolicy(policy: string): AskForApproval {
  // `on-failure` is deprecated in the v2 protocol; `on-request` is its successor.
  return (policy === 'on-failure' ? 'on-request' : policy) as AskForApproval;
}

function sandboxPolicyFor(mode: string): SandboxPolicy | undefined {
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
