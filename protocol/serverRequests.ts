import type { McpServerElicitationRequestParams, McpServerElicitationRequestResponse } from './mcp';
/**
 * Requests the server sends to the client (approvals), with what the client
 * answers. The server's `startRequest` and the extension's `onServerRequest`
 * are typed by this map.
 */
import type { CommandAction } from './items';

/** What a client may answer to an approval request (the object forms approve this one call). */
export type CommandExecutionApprovalDecision =
  | 'accept'
  | 'acceptForSession'
  | 'decline'
  | 'cancel'
  | { acceptWithExecpolicyAmendment: { execpolicy_amendment: string[] } }
  | { applyNetworkPolicyAmendment: { network_policy_amendment: { host: string; action: 'allow' | 'deny' } } };
export type FileChangeApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** Decisions of the legacy (v1) approval requests, which only the reference sends. */
export type ReviewDecision =
  | 'approved'
  | 'approved_for_session'
  | 'approved_mcp_policy_amendment'
  | 'timed_out'
  | 'abort'
  | { approved_execpolicy_amendment: { proposed_execpolicy_amendment: string[] } }
  | { network_policy_amendment: { network_policy_amendment: { host: string; action: 'allow' | 'deny' } } }
  | { denied: { rejection: string } };

interface ApprovalTarget {
  threadId: string;
  turnId: string;
  itemId: string;
  startedAtMs: number;
  reason?: string | null;
}

export interface CommandExecutionRequestApprovalParams extends ApprovalTarget {
  kind?: 'command' | 'writeStdin' | 'humanCommand';
  environmentId?: string | null;
  approvalId?: string | null;
  command?: string | null;
  cwd?: string | null;
  commandActions?: CommandAction[] | null;
  availableDecisions?: unknown[] | null;
}

export interface FileChangeRequestApprovalParams extends ApprovalTarget {
  grantRoot?: string | null;
}

export interface ServerRequests {
  'mcpServer/elicitation/request': { params: McpServerElicitationRequestParams; result: McpServerElicitationRequestResponse };
  'item/commandExecution/requestApproval': { params: CommandExecutionRequestApprovalParams; result: { decision: CommandExecutionApprovalDecision } };
  'item/fileChange/requestApproval': { params: FileChangeRequestApprovalParams; result: { decision: FileChangeApprovalDecision } };
  /** Legacy (v1); sent by the reference only. */
  execCommandApproval: {
    params: { conversationId: string; callId: string; approvalId?: string | null; command: string[]; cwd: string; reason?: string | null; parsedCmd: unknown[] };
    result: { decision: ReviewDecision };
  };
  /** Legacy (v1); sent by the reference only. */
  applyPatchApproval: {
    params: { conversationId: string; callId: string; fileChanges: Record<string, unknown>; reason?: string | null; grantRoot?: string | null };
    result: { decision: ReviewDecision };
  };
}

export type ServerRequestMethod = keyof ServerRequests;
export type ServerRequestParams<M extends ServerRequestMethod> = ServerRequests[M]['params'];
export type ServerRequestResult<M extends ServerRequestMethod> = ServerRequests[M]['result'];

/** The approval requests our server sends, and their params. */
export type ApprovalRequestMethod = 'item/commandExecution/requestApproval' | 'item/fileChange/requestApproval';
