/**
 * What the Codex badges count, in words: VS Code shows a view's badge on the
 * activity-bar icon, where the number alone does not say whether it counts
 * approvals, files waiting for review or hooks to trust. No `vscode` import.
 */
import { agree, countOf } from '../../shared/plural';

/** The chat view's badge: approvals the agent waits for. */
export function approvalsBadgeTooltip(count: number): string {
  return `Codex: ${countOf(count, 'approval')} ${agree(count, 'waits', 'wait')} for your answer`;
}

/** The Changes view's badge: files the agent changed that wait for Accept or Reject. */
export function changesBadgeTooltip(count: number): string {
  return `Codex: ${countOf(count, 'changed file')} ${agree(count, 'waits', 'wait')} for review (Accept or Reject in the Changes view)`;
}

/** The Hooks view's badge: hooks that run only once the user trusts them. */
export function hooksBadgeTooltip(count: number): string {
  return `Codex: ${countOf(count, 'hook')} ${agree(count, 'needs', 'need')} review before ${agree(count, 'it runs', 'they run')}`;
}
