/**
 * The slice of the app-server protocol the extension uses, typed by hand from
 * `codex app-server generate-ts` (the generated files are never committed).
 * Only the fields the extension reads are listed; servers send more.
 */

export type ApprovalPolicy = 'untrusted' | 'on-failure' | 'on-request' | 'never';
export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

export type UserInput =
  | { type: 'text'; text: string; text_elements: unknown[] }
  | { type: 'mention'; name: string; path: string }
  | { type: 'localImage'; path: string };

export type TurnStatus = 'completed' | 'interrupted' | 'failed' | 'inProgress';

export interface TurnError {
  message: string;
  additionalDetails?: string | null;
}

export interface FileUpdateChange {
  path: string;
  kind: { type: 'add' } | { type: 'delete' } | { type: 'update'; move_path: string | null };
  diff: string;
}

/** A thread item as the server sends it (`item/started`, `item/completed`, `thread/read`). */
export type ThreadItem =
  | { type: 'userMessage'; id: string; content: UserInput[] }
  | { type: 'agentMessage'; id: string; text: string }
  | { type: 'reasoning'; id: string; summary: string[]; content: string[] }
  | { type: 'plan'; id: string; text: string }
  | {
      type: 'commandExecution';
      id: string;
      command: string;
      cwd: string;
      status: 'inProgress' | 'completed' | 'failed' | 'declined';
      aggregatedOutput: string | null;
      exitCode: number | null;
      durationMs: number | null;
    }
  | { type: 'fileChange'; id: string; changes: FileUpdateChange[]; status: 'inProgress' | 'completed' | 'failed' | 'declined' }
  | { type: 'mcpToolCall'; id: string; server: string; tool: string; status: string; error: { message: string } | null }
  | { type: 'dynamicToolCall'; id: string; tool: string; status: string }
  | { type: 'webSearch'; id: string; query: string }
  | { type: 'contextCompaction'; id: string }
  | { type: string; id: string; [key: string]: unknown };

export interface Turn {
  id: string;
  items: ThreadItem[];
  status: TurnStatus;
  error: TurnError | null;
}

export interface Thread {
  id: string;
  preview: string;
  name?: string | null;
  cwd: string;
  status: { type: string };
  turns: Turn[];
}

export interface ThreadSettingsResponse {
  thread: Thread;
  model: string;
  modelProvider: string;
  cwd: string;
  approvalPolicy: unknown;
  sandbox: unknown;
}

export interface ThreadStartParams {
  model?: string | null;
  cwd?: string | null;
  approvalPolicy?: ApprovalPolicy | null;
  sandbox?: SandboxMode | null;
}

export interface Model {
  id: string;
  model: string;
  displayName: string;
  description: string;
  hidden: boolean;
  isDefault: boolean;
}

/** Request methods with their params and results. */
export interface ClientMethods {
  'thread/start': { params: ThreadStartParams; result: ThreadSettingsResponse };
  'thread/resume': { params: ThreadStartParams & { threadId: string; excludeTurns?: boolean }; result: ThreadSettingsResponse };
  'thread/fork': { params: ThreadStartParams & { threadId: string }; result: ThreadSettingsResponse };
  'thread/read': { params: { threadId: string; includeTurns?: boolean }; result: { thread: Thread } };
  'thread/compact/start': { params: { threadId: string }; result: Record<string, never> };
  'thread/goal/set': { params: { threadId: string; objective?: string | null; status?: string | null }; result: unknown };
  'turn/start': {
    params: {
      threadId: string;
      input: UserInput[];
      model?: string | null;
      approvalPolicy?: ApprovalPolicy | null;
      sandboxPolicy?: unknown;
    };
    result: { turn: Turn };
  };
  'turn/steer': { params: { threadId: string; input: UserInput[]; expectedTurnId: string }; result: { turnId: string } };
  'turn/interrupt': { params: { threadId: string; turnId: string }; result: Record<string, never> };
  'model/list': { params: { cursor?: string | null; limit?: number | null; includeHidden?: boolean | null }; result: { data: Model[]; nextCursor: string | null } };
}
