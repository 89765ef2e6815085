/**
 * Params of the `thread/*` methods (zod; a bad field is named in the -32602
 * error) and the response types. Shapes follow the reference schema.
 */
import { z } from 'zod';
import { ApprovalsReviewer, AskForApproval, SandboxMode, type SandboxPolicy, type Thread, type ThreadGoal, type ThreadItem, type Turn } from './items';

const threadId = z.string().min(1, 'threadId must not be empty');
const cursor = z.string().nullish();
const limit = z.number().int().min(1, 'limit must be at least 1').nullish();
const sortDirection = z.enum(['asc', 'desc']).nullish();

/** `config` overrides: dotted TOML key paths to JSON values (like `-c key=value`). */
const configOverrides = z.record(z.string(), z.unknown()).nullish();

/** Settings accepted by thread/start, thread/resume and thread/fork. */
const threadSettingsOverrides = {
  model: z.string().nullish(),
  modelProvider: z.string().nullish(),
  serviceTier: z.string().nullish(),
  cwd: z.string().nullish(),
  approvalPolicy: AskForApproval.nullish(),
  approvalsReviewer: ApprovalsReviewer.nullish(),
  sandbox: SandboxMode.nullish(),
  config: configOverrides,
  baseInstructions: z.string().nullish(),
  developerInstructions: z.string().nullish(),
  personality: z.string().nullish(),
};

export const ThreadStartParams = z
  .object({
    ...threadSettingsOverrides,
    serviceName: z.string().nullish(),
    ephemeral: z.boolean().nullish(),
    sessionStartSource: z.enum(['startup', 'clear']).nullish(),
    threadSource: z.string().nullish(),
  })
  .passthrough();
export type ThreadStartParams = z.infer<typeof ThreadStartParams>;

export const ThreadResumeParams = z
  .object({
    threadId,
    ...threadSettingsOverrides,
    path: z.string().nullish(),
    history: z.array(z.record(z.string(), z.unknown())).nullish(),
    excludeTurns: z.boolean().optional(),
  })
  .passthrough();
export type ThreadResumeParams = z.infer<typeof ThreadResumeParams>;

// The reference's thread/fork takes no personality.
const { personality: _personality, ...forkSettingsOverrides } = threadSettingsOverrides;

export const ThreadForkParams = z
  .object({
    threadId,
    ...forkSettingsOverrides,
    path: z.string().nullish(),
    lastTurnId: z.string().nullish(),
    ephemeral: z.boolean().optional(),
    threadSource: z.string().nullish(),
    excludeTurns: z.boolean().optional(),
  })
  .passthrough();
export type ThreadForkParams = z.infer<typeof ThreadForkParams>;

export const ThreadReadParams = z.object({ threadId, includeTurns: z.boolean().optional() });

export const ThreadSortKey = z.enum(['created_at', 'updated_at', 'recency_at', 'section_position']);
export const ThreadSourceKind = z.enum([
  'cli',
  'vscode',
  'exec',
  'appServer',
  'subAgent',
  'subAgentReview',
  'subAgentCompact',
  'subAgentThreadSpawn',
  'subAgentOther',
  'unknown',
]);
export type ThreadSourceKind = z.infer<typeof ThreadSourceKind>;

export const ThreadListParams = z.object({
  currentAccountOnly: z.boolean().optional(),
  cursor,
  limit,
  excludedThreadIds: z.array(z.string()).max(100, 'excludedThreadIds accepts at most 100 ids').nullish(),
  sortKey: ThreadSortKey.nullish(),
  sortDirection,
  modelProviders: z.array(z.string()).nullish(),
  sourceKinds: z.array(ThreadSourceKind).nullish(),
  originators: z.array(z.string()).nullish(),
  archived: z.boolean().nullish(),
  sectionId: z.string().nullish(),
  cwd: z.union([z.string(), z.array(z.string())]).nullish(),
  useStateDbOnly: z.boolean().optional(),
  searchTerm: z.string().nullish(),
});
export type ThreadListParams = z.infer<typeof ThreadListParams>;

export const TurnItemsView = z.enum(['notLoaded', 'summary', 'full']);
export const ThreadTurnsListParams = z.object({ threadId, cursor, limit, sortDirection, itemsView: TurnItemsView.nullish() });
export type ThreadTurnsListParams = z.infer<typeof ThreadTurnsListParams>;

export const ThreadLoadedListParams = z.object({ cursor, limit });

/** `thread/items/list`: a string cursor this server returned, or an exclusive item anchor inside `turnId`. */
export const ThreadItemsListParams = z.object({
  threadId,
  turnId: z.string().nullish(),
  cursor: z.union([z.string(), z.object({ type: z.literal('item'), itemId: z.string().min(1, 'itemId must not be empty') })]).nullish(),
  // The reference treats 0 as 1; so do we.
  limit: z.number().int().min(0, 'limit must not be negative').nullish(),
  sortDirection,
  deferOutput: z.object({ commandExecution: z.boolean().optional(), mcpToolCall: z.boolean().optional() }).nullish(),
});
export type ThreadItemsListParams = z.infer<typeof ThreadItemsListParams>;

export const ThreadSetNameParams = z.object({ threadId, name: z.string() });
export const ThreadIdParams = z.object({ threadId });

/** Longest goal objective the server accepts (characters). */
export const MAX_GOAL_OBJECTIVE_CHARS = 4000;
const GoalOrigin = z.enum(['user', 'automatic']).nullish();
export const ThreadGoalStatus = z.enum(['active', 'paused', 'blocked', 'usageLimited', 'budgetLimited', 'complete']);
export const ThreadGoalSetParams = z.object({
  threadId,
  origin: GoalOrigin,
  objective: z
    .string()
    .refine((text) => text.trim().length > 0, 'objective must not be empty')
    .refine((text) => [...text].length <= MAX_GOAL_OBJECTIVE_CHARS, `objective must be at most ${MAX_GOAL_OBJECTIVE_CHARS} characters`)
    .nullish(),
  status: ThreadGoalStatus.nullish(),
  tokenBudget: z.number().int().min(1, 'tokenBudget must be positive').nullish(),
});
export type ThreadGoalSetParams = z.infer<typeof ThreadGoalSetParams>;
export const ThreadGoalClearParams = z.object({ threadId, origin: GoalOrigin });

// ---------------------------------------------------------------- responses

export interface ThreadSessionResponse {
  thread: Thread;
  model: string;
  modelProvider: string;
  serviceTier: string | null;
  disabledPluginIds: string[];
  cwd: string;
  instructionSources: string[];
  approvalPolicy: AskForApproval;
  approvalsReviewer: ApprovalsReviewer;
  sandbox: SandboxPolicy;
  reasoningEffort: string | null;
}

export interface ThreadResumeResponse extends ThreadSessionResponse {
  collaborationMode: null;
  turnsBackwardsCursor: string | null;
  itemsBackwardsCursor: string | null;
}

export interface ThreadListResponse {
  data: Thread[];
  nextCursor: string | null;
  backwardsCursor: string | null;
}

export interface ThreadTurnsListResponse {
  data: Turn[];
  nextCursor: string | null;
  backwardsCursor: string | null;
}

/** `thread/shellCommand`: the user's `!command` (runs unsandboxed, as the reference documents). */
export const ThreadShellCommandParams = z.object({ threadId, command: z.string(), timeoutMs: z.number().int().nullish() });
/** `thread/revert`: the turn `beforeTurnId` and every later one leave the conversation. */
export const ThreadRevertParams = z.object({ threadId, beforeTurnId: z.string().min(1, 'beforeTurnId must not be empty') });
export interface ThreadRevertResponse {
  thread: Thread;
  turnsBackwardsCursor: string | null;
  itemsBackwardsCursor: string | null;
}

export interface ThreadGoalResponse {
  goal: ThreadGoal;
}

/** One item of `thread/items/list`, with the turn that holds it. */
export interface ThreadItemEntry {
  turnId: string;
  item: ThreadItem;
  startedAtMs: number | null;
  completedAtMs: number | null;
}

export interface ThreadItemsListResponse {
  data: ThreadItemEntry[];
  nextCursor: string | null;
  backwardsCursor: string | null;
}

/** `thread/compact/start`: answers `{}`, then a turn compacts the history (server/compaction). */
export const ThreadCompactStartParams = z.object({ threadId });

type Empty = Record<string, never>;

export interface ThreadRequests {
  'thread/start': { params: typeof ThreadStartParams; result: ThreadSessionResponse };
  'thread/resume': { params: typeof ThreadResumeParams; result: ThreadResumeResponse };
  'thread/fork': { params: typeof ThreadForkParams; result: ThreadSessionResponse };
  'thread/read': { params: typeof ThreadReadParams; result: { thread: Thread } };
  'thread/list': { params: typeof ThreadListParams; result: ThreadListResponse };
  'thread/turns/list': { params: typeof ThreadTurnsListParams; result: ThreadTurnsListResponse };
  'thread/items/list': { params: typeof ThreadItemsListParams; result: ThreadItemsListResponse };
  'thread/loaded/list': { params: typeof ThreadLoadedListParams; result: { data: string[]; nextCursor: string | null } };
  'thread/name/set': { params: typeof ThreadSetNameParams; result: Empty };
  'thread/archive': { params: typeof ThreadIdParams; result: Empty };
  'thread/unarchive': { params: typeof ThreadIdParams; result: { thread: Thread } };
  'thread/unsubscribe': { params: typeof ThreadIdParams; result: { status: 'notLoaded' | 'notSubscribed' | 'unsubscribed' } };
  'thread/compact/start': { params: typeof ThreadCompactStartParams; result: Empty };
  'thread/goal/set': { params: typeof ThreadGoalSetParams; result: ThreadGoalResponse };
  'thread/goal/get': { params: typeof ThreadIdParams; result: { goal: ThreadGoal | null } };
  'thread/goal/clear': { params: typeof ThreadGoalClearParams; result: { cleared: boolean } };
  'thread/shellCommand': { params: typeof ThreadShellCommandParams; result: Empty };
  'thread/revert': { params: typeof ThreadRevertParams; result: ThreadRevertResponse };
  'thread/delete': { params: typeof ThreadIdParams; result: Empty };
}

/** `thread/backgroundTerminals/*` (experimental): the thread's still-running `exec_command` sessions. */
export const ThreadBackgroundTerminalsListParams = z.object({
  threadId: z.string(),
  cursor: z.string().nullish(),
  limit: z.number().int().min(0).nullish(),
});
export const ThreadBackgroundTerminalsTerminateParams = z.object({ threadId: z.string(), processId: z.string() });
export const ThreadBackgroundTerminalsCleanParams = z.object({ threadId: z.string() });

export interface ThreadBackgroundTerminal {
  /** The session id `write_stdin` uses, as a string. */
  processId: string;
  itemId: string;
  command: string;
  cwd: string;
  osPid?: number | null;
  cpuPercent?: number | null;
  rssKb?: number | null;
}

export interface BackgroundTerminalRequests {
  'thread/backgroundTerminals/list': {
    params: typeof ThreadBackgroundTerminalsListParams;
    result: { data: ThreadBackgroundTerminal[]; nextCursor?: string | null };
    experimental: true;
  };
  'thread/backgroundTerminals/terminate': { params: typeof ThreadBackgroundTerminalsTerminateParams; result: { terminated: boolean }; experimental: true };
  'thread/backgroundTerminals/clean': { params: typeof ThreadBackgroundTerminalsCleanParams; result: Record<string, never>; experimental: true };
}
