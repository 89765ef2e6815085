/**
 * /permissions: the three modes of the Codex IDE extension, each one
 * approval policy + sandbox pair set in one step (they apply from the next turn).
 */
import type { PickItem } from './chatHost';

type PermissionModeId = 'read-only' | 'auto' | 'full-access';

interface PermissionMode {
  id: PermissionModeId;
  label: string;
  description: string;
  approvalPolicy: 'on-request' | 'never';
  sandboxMode: 'read-only' | 'workspace-write' | 'danger-full-access';
}

export const PERMISSION_MODES: PermissionMode[] = [
  { id: 'read-only', label: 'Read only', description: 'Reads files and answers; asks before any edit or command that changes things', approvalPolicy: 'on-request', sandboxMode: 'read-only' },
  { id: 'auto', label: 'Workspace write, with approvals', description: 'Edits and runs commands in the workspace; asks before going outside it or online', approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
  { id: 'full-access', label: 'Full access', description: 'Edits anywhere and uses the network without asking', approvalPolicy: 'never', sandboxMode: 'danger-full-access' },
];

/** Accepts the id, the label, or a few common spellings ("readonly", "workspace", "full"). */
export function permissionModeFrom(text: string): PermissionMode | undefined {
  const key = text.trim().toLowerCase().replace(/[\s_]+/g, '-');
  const aliases: Record<string, PermissionModeId> = {
    readonly: 'read-only',
    'read-only': 'read-only',
    auto: 'auto',
    agent: 'auto',
    workspace: 'auto',
    'workspace-write': 'auto',
    full: 'full-access',
    'full-access': 'full-access',
    'danger-full-access': 'full-access',
  };
  const id = aliases[key];
  return PERMISSION_MODES.find((mode) => mode.id === id || mode.label.toLowerCase() === text.trim().toLowerCase());
}

/** Which mode the pickers' values amount to, if any. */
export function currentPermissionMode(approvalPolicy: string, sandboxMode: string): PermissionMode | undefined {
  return PERMISSION_MODES.find((mode) => mode.approvalPolicy === approvalPolicy && mode.sandboxMode === sandboxMode);
}

export function permissionPickItems(current: PermissionMode | undefined): PickItem<PermissionModeId>[] {
  return PERMISSION_MODES.map((mode) => ({
    value: mode.id,
    label: `${mode === current ? '$(check) ' : ''}${mode.label}`,
    description: `${mode.sandboxMode}, approvals: ${mode.approvalPolicy}`,
    detail: mode.description,
  }));
}
