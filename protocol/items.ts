/**
 * Shapes shared by the thread and turn namespaces: Thread, Turn, ThreadItem,
 * UserInput, ThreadStatus, SandboxPolicy… They follow the reference schema
 * (`codex app-server generate-ts`, v2). Every field the schema marks required
 * is required here too, so objects we build validate against it.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- user input

export const TextElement = z.object({
  byteRange: z.object({ start: z.number().int(), end: z.number().int() }),
  placeholder: z.string().nullable().optional().default(null),
});
export type TextElement = z.infer<typeof TextElement>;

const ImageDetail = z.enum(['auto', 'low', 'high', 'original']);

/** One piece of user input (`turn/start` `input`, userMessage `content`). */
export const UserInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), text_elements: z.array(TextElement).optional().default([]) }),
  z
    .object({ type: z.literal('image'), detail: ImageDetail.nullish(), url: z.string().optional(), fileId: z.string().optional() })
    .refine((v) => v.url !== undefined || v.fileId !== undefined, { message: 'image input needs `url` or `fileId`' }),
  z.object({ type: z.literal('localImage'), detail: ImageDetail.nullish(), path: z.string() }),
  z
    .object({ type: z.literal('audio'), url: z.string().optional(), fileId: z.string().optional() })
    .refine((v) => v.url !== undefined || v.fileId !== undefined, { message: 'audio input needs `url` or `fileId`' }),
  z.object({ type: z.literal('localAudio'), path: z.string() }),
  z.object({ type: z.literal('skill'), name: z.string(), path: z.string() }),
  z.object({ type: z.literal('mention'), name: z.string(), path: z.string() }),
]);
export type UserInput = z.infer<typeof UserInput>;

// ---------------------------------------------------------------- policies

export const SandboxMode = z.enum(['read-only', 'workspace-write', 'danger-full-access']);
export type SandboxMode = z.infer<typeof SandboxMode>;

export const AskForApproval = z.union([
  // `on-failure` is deprecated and gone from the reference's schema; our server still honours it (drift test: KNOWN_DRIFT).
  z.enum(['untrusted', 'on-failure', 'on-request', 'never']),
  z.object({
    granular: z.object({
      sandbox_approval: z.boolean(),
      rules: z.boolean(),
      skill_approval: z.boolean().optional(),
      request_permissions: z.boolean().optional(),
      mcp_elicitations: z.boolean(),
    }),
  }),
]);
export type AskForApproval = z.infer<typeof AskForApproval>;

export const ApprovalsReviewer = z.enum(['user', 'auto_review', 'guardian_subagent']);
export type ApprovalsReviewer = z.infer<typeof ApprovalsReviewer>;

/** The resolved sandbox a thread runs under (camelCase wire shape). */
export type SandboxPolicy =
  | { type: 'dangerFullAccess' }
  | { type: 'readOnly'; networkAccess: boolean }
  | { type: 'externalSandbox'; networkAccess: 'restricted' | 'enabled' }
  | { type: 'workspaceWrite'; writableRoots: string[]; networkAccess: boolean; excludeTmpdirEnvVar: boolean; excludeSlashTmp: boolean };

// ---------------------------------------------------------------- items

/** Lifecycle times every item may carry (milliseconds since the epoch). */
interface ItemTimes {
  startedAtMs?: number | null;
  completedAtMs?: number | null;
}

export type CommandAction =
  | { type: 'read'; command: string; name: string; path: string }
  | { type: 'listFiles'; command: string; path: string | null }
  | { type: 'search'; command: string; query: string | null; path: string | null }
  | { type: 'unknown'; command: string };

export type PatchChangeKind = { type: 'add' } | { type: 'delete' } | { type: 'update'; move_path: string | null };
export interface FileUpdateChange {
  path: string;
  kind: PatchChangeKind;
  diff: string;
}

export interface UserMessageItem extends ItemTimes {
  type: 'userMessage';
  id: string;
  clientId: string | null;
  content: UserInput[];
}
export interface AgentMessageItem extends ItemTimes {
  type: 'agentMessage';
  id: string;
  text: string;
  phase: 'commentary' | 'partial_answer' | 'final_answer' | null;
  moderation: unknown | null;
  memoryCitation: unknown | null;
  delivery: 'async' | null;
  questions: unknown[] | null;
}
export interface ReasoningItem extends ItemTimes {
  type: 'reasoning';
  id: string;
  summary: string[];
  content: string[];
}
export interface PlanItem extends ItemTimes {
  type: 'plan';
  id: string;
  text: string;
}
export interface CommandExecutionItem extends ItemTimes {
  type: 'commandExecution';
  id: string;
  command: string;
  cwd: string;
  processId: string | null;
  source: 'agent' | 'userShell' | 'unifiedExecStartup' | 'unifiedExecInteraction';
  status: 'inProgress' | 'completed' | 'failed' | 'declined';
  commandActions: CommandAction[];
  aggregatedOutput: string | null;
  exitCode: number | null;
  durationMs: number | null;
  pluginId: string | null;
  scriptPath: string | null;
}
export interface FileChangeItem extends ItemTimes {
  type: 'fileChange';
  id: string;
  changes: FileUpdateChange[];
  status: 'inProgress' | 'completed' | 'failed' | 'declined';
}
export interface McpToolCallItem extends ItemTimes {
  type: 'mcpToolCall';
  id: string;
  server: string;
  tool: string;
  status: 'inProgress' | 'completed' | 'failed';
  arguments: unknown;
  appContext: unknown | null;
  mcpAppUi: unknown | null;
  pluginId: string | null;
  readOnlyHint: boolean | null;
  result: { content: unknown[]; structuredContent: unknown | null; _meta?: unknown } | null;
  error: { message: string } | null;
  durationMs: number | null;
}
export interface WebSearchItem extends ItemTimes {
  type: 'webSearch';
  id: string;
  query: string;
  action: unknown | null;
  results: unknown[] | null;
}
export interface ImageViewItem extends ItemTimes {
  type: 'imageView';
  id: string;
  path: string;
}
export interface ContextCompactionItem extends ItemTimes {
  type: 'contextCompaction';
  id: string;
}
export interface ReviewModeItem extends ItemTimes {
  type: 'enteredReviewMode' | 'exitedReviewMode';
  id: string;
  review: string;
}
/** Item kinds we pass through without a dedicated type (dynamic tools, collab agents…). */
export interface OtherItem extends ItemTimes {
  type: 'hookPrompt' | 'functionCallOutput' | 'dynamicToolCall' | 'collabAgentToolCall' | 'subAgentActivity' | 'sleep' | 'imageGeneration';
  id: string;
  [field: string]: unknown;
}

export type ThreadItem =
  | UserMessageItem
  | AgentMessageItem
  | ReasoningItem
  | PlanItem
  | CommandExecutionItem
  | FileChangeItem
  | McpToolCallItem
  | WebSearchItem
  | ImageViewItem
  | ContextCompactionItem
  | ReviewModeItem
  | OtherItem;

// ---------------------------------------------------------------- turns

export type TurnStatus = 'completed' | 'interrupted' | 'failed' | 'inProgress';
export type TurnItemsView = 'notLoaded' | 'summary' | 'full';

export interface TurnError {
  message: string;
  /** e.g. `"contextWindowExceeded"`, `{ httpConnectionFailed: { httpStatusCode } }` (see CodexErrorInfo). */
  codexErrorInfo: unknown | null;
  additionalDetails: string | null;
  misalignment?: unknown | null;
}

export interface Turn {
  id: string;
  rootTurnId: string | null;
  items: ThreadItem[];
  itemsView: TurnItemsView;
  status: TurnStatus;
  error: TurnError | null;
  /** Seconds since the epoch. */
  startedAt: number | null;
  completedAt: number | null;
  durationMs: number | null;
}

// ---------------------------------------------------------------- threads

export type ThreadActiveFlag = 'waitingOnApproval' | 'waitingOnUserInput';
export type ThreadStatus = { type: 'notLoaded' } | { type: 'idle' } | { type: 'systemError' } | { type: 'active'; activeFlags: ThreadActiveFlag[] };

export type SessionSource = 'cli' | 'vscode' | 'exec' | 'appServer' | 'unknown' | { custom: string } | { subAgent: unknown };

export interface GitInfo {
  sha: string | null;
  branch: string | null;
  originUrl: string | null;
}

export interface Thread {
  id: string;
  sessionId: string;
  forkedFromId: string | null;
  parentThreadId: string | null;
  preview: string;
  ephemeral: boolean;
  section: unknown | null;
  sectionEnteredAt: number | null;
  projectId: string | null;
  historyMode: 'legacy' | 'paginated';
  modelProvider: string;
  model: string | null;
  reasoningEffort: string | null;
  /** Seconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  recencyAt: number | null;
  status: ThreadStatus;
  path: string | null;
  cwd: string;
  cliVersion: string;
  originator: string | null;
  source: SessionSource;
  threadSource: string | null;
  agentNickname: string | null;
  agentRole: string | null;
  gitInfo: GitInfo | null;
  name: string | null;
  turns: Turn[];
}

// ---------------------------------------------------------------- token usage

export interface TokenUsageBreakdown {
  totalTokens: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
}

export interface ThreadTokenUsage {
  total: TokenUsageBreakdown;
  last: TokenUsageBreakdown;
  modelContextWindow: number | null;
}

export const emptyTokenUsage = (): TokenUsageBreakdown => ({
  totalTokens: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  outputTokens: 0,
  reasoningOutputTokens: 0,
});

// ---------------------------------------------------------------- goals

export type ThreadGoalStatus = 'active' | 'paused' | 'blocked' | 'usageLimited' | 'budgetLimited' | 'complete';
export interface ThreadGoal {
  threadId: string;
  objective: string;
  status: ThreadGoalStatus;
  tokenBudget: number | null;
  tokensUsed: number;
  timeUsedSeconds: number;
  createdAt: number;
  updatedAt: number;
}
