/**
 * The server's approval requests (v2 `item/…/requestApproval` and the legacy
 * v1 `execCommandApproval` / `applyPatchApproval`), asked in the chat through
 * the ApprovalQueue and answered with the user's decision.
 */
import type { ReviewDecision, ServerRequestParams } from '../../protocol';
import type { CodexClient } from '../client/codexClient';
import type { ApprovalDecision } from '../../webview/protocol';
import type { ApprovalQueue } from './approvals';
import type { Transcript } from './transcript';

/** Decisions of the legacy (v1) approval requests, by our names (the reference has no plain "denied"). */
const LEGACY_DECISIONS: Record<ApprovalDecision, ReviewDecision> = {
  accept: 'approved',
  acceptForSession: 'approved_for_session',
  decline: { denied: { rejection: 'Declined by the user.' } },
  cancel: 'abort',
};

/** Registers the approval request handlers; dispose the returned handles to stop answering. */
export function answerApprovalRequests(client: Pick<CodexClient, 'onServerRequest'>, approvals: ApprovalQueue, transcript: Transcript): { dispose(): void }[] {
  return [
    client.onServerRequest('item/commandExecution/requestApproval', (params) => commandApproval(approvals, transcript, params)),
    client.onServerRequest('item/fileChange/requestApproval', (params) => fileChangeApproval(approvals, transcript, params)),
    client.onServerRequest('execCommandApproval', (params) => legacyApproval(approvals, 'command', params)),
    client.onServerRequest('applyPatchApproval', (params) => legacyApproval(approvals, 'fileChange', params)),
  ];
}

function commandApproval(
  approvals: ApprovalQueue,
  transcript: Transcript,
  params: ServerRequestParams<'item/commandExecution/requestApproval'>,
): Promise<{ decision: ApprovalDecision }> {
  return approvals
    .ask({
      approvalKind: 'command',
      title: 'Run this command?',
      detail: params.command ?? describeItem(transcript, params.itemId) ?? '(command not shown by the server)',
      reason: params.reason ?? undefined,
      turnId: params.turnId,
      itemId: params.itemId,
    })
    .then((decision) => ({ decision }));
}

function fileChangeApproval(
  approvals: ApprovalQueue,
  transcript: Transcript,
  params: ServerRequestParams<'item/fileChange/requestApproval'>,
): Promise<{ decision: ApprovalDecision }> {
  return approvals
    .ask({
      approvalKind: 'fileChange',
      title: 'Apply these file changes?',
      detail: describeItem(transcript, params.itemId) ?? (params.grantRoot ? `Write access under ${params.grantRoot}` : '(files not shown by the server)'),
      reason: params.reason ?? undefined,
      turnId: params.turnId,
      itemId: params.itemId,
    })
    .then((decision) => ({ decision }));
}

function legacyApproval(
  approvals: ApprovalQueue,
  kind: 'command' | 'fileChange',
  params: Partial<ServerRequestParams<'execCommandApproval'> & ServerRequestParams<'applyPatchApproval'>>,
): Promise<{ decision: ReviewDecision }> {
  const detail =
    kind === 'command'
      ? (Array.isArray(params.command) ? params.command.join(' ') : String(params.command ?? ''))
      : Object.keys(params.fileChanges ?? {}).join('\n');
  return approvals
    .ask({ approvalKind: kind, title: kind === 'command' ? 'Run this command?' : 'Apply these file changes?', detail, reason: params.reason ?? undefined })
    .then((decision) => ({ decision: LEGACY_DECISIONS[decision] }));
}

/** The command or file list of an item already in the transcript. */
function describeItem(transcript: Transcript, itemId: string | undefined): string | undefined {
  const entry = itemId ? transcript.get(itemId) : undefined;
  if (entry?.kind === 'command') return entry.command;
  if (entry?.kind === 'fileChange') return entry.files.map((f) => `${f.path} (+${f.added} −${f.removed})`).join('\n');
  return undefined;
}
