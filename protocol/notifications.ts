import type { McpServerStatusUpdatedNotification } from './mcp';
/**
 * Every notification a server sends (method → params). The server's `notify`/
 * `broadcast` and the extension's `onNotification` are typed by this map.
 * Shapes follow the reference schema; `contractDrift.test.ts` checks them.
 */
import type { HookRunSummary } from './hooks';
import type { AccountLoginCompletedNotification, AccountUpdatedNotification } from './account';
import type { ConfigWarning } from './config';
import type { CommandExecOutputDeltaNotification } from './command';
import type { ProcessExitedNotification, ProcessOutputDeltaNotification } from './process';
import type { Thread, ThreadGoal, ThreadItem, ThreadStatus, ThreadTokenUsage, Turn, TurnError } from './items';
import type { FuzzyFileSearchResult } from './fuzzyFileSearch';

interface ThreadEvent {
  threadId: string;
}
interface TurnEvent extends ThreadEvent {
  turnId: string;
}
interface ItemDelta extends TurnEvent {
  itemId: string;
  delta: string;
}

export type TurnPlanStepStatus = 'pending' | 'inProgress' | 'completed';
export interface TurnPlanStep {
  step: string;
  status: TurnPlanStepStatus;
}

export interface ServerNotifications {
  error: TurnEvent & { error: TurnError; willRetry: boolean };
  warning: { threadId?: string | null; message: string };
  configWarning: ConfigWarning;
  'mcpServer/startupStatus/updated': McpServerStatusUpdatedNotification;
  /** Sent by the reference only. */
  deprecationNotice: { summary: string; details?: string | null };

  'account/login/completed': AccountLoginCompletedNotification;
  'account/updated': AccountUpdatedNotification;

  'thread/started': { thread: Thread };
  'thread/status/changed': ThreadEvent & { status: ThreadStatus };
  'thread/archived': ThreadEvent;
  'thread/unarchived': ThreadEvent;
  'thread/deleted': ThreadEvent;
  'thread/reverted': ThreadEvent;
  'fuzzyFileSearch/sessionUpdated': { sessionId: string; query: string; files: FuzzyFileSearchResult[] };
  'fuzzyFileSearch/sessionCompleted': { sessionId: string };
  'thread/name/updated': ThreadEvent & { threadName?: string | null };
  'thread/tokenUsage/updated': TurnEvent & { tokenUsage: ThreadTokenUsage };
  'thread/goal/updated': ThreadEvent & { turnId?: string | null; goal: ThreadGoal };
  'thread/goal/cleared': ThreadEvent;
  /** Deprecated twin of the `contextCompaction` item; the pinned reference does not send it either, our server never does. */
  'thread/compacted': TurnEvent;
  /** Sent by the reference only. */
  'thread/settings/updated': ThreadEvent & { threadSettings: { model: string; modelProvider: string; [field: string]: unknown } };
  /** Sent by the reference only. */
  'model/rerouted': TurnEvent & { fromModel: string; toModel: string; reason: 'highRiskCyberActivity' };

  'turn/started': ThreadEvent & { turn: Turn };
  'turn/completed': ThreadEvent & { turn: Turn };
  'turn/diff/updated': TurnEvent & { diff: string };
  'turn/plan/updated': TurnEvent & { explanation?: string | null; plan: TurnPlanStep[] };

  'item/started': TurnEvent & { item: ThreadItem; startedAtMs: number };
  'item/completed': TurnEvent & { item: ThreadItem; completedAtMs: number; contentTokenCount?: number | null };
  'item/agentMessage/delta': ItemDelta;
  'item/reasoning/summaryPartAdded': TurnEvent & { itemId: string; summaryIndex: number };
  'item/reasoning/summaryTextDelta': ItemDelta & { summaryIndex: number };
  'item/reasoning/textDelta': ItemDelta & { contentIndex: number };
  'item/commandExecution/outputDelta': ItemDelta;
  'item/commandExecution/terminalInteraction': TurnEvent & { itemId: string; processId: string; stdin: string };

  'hook/started': ThreadEvent & { turnId?: string | null; run: HookRunSummary };
  'hook/completed': ThreadEvent & { turnId?: string | null; run: HookRunSummary };

  'serverRequest/resolved': ThreadEvent & { requestId: string | number };
  /** Skill files under a loaded thread's roots changed: clients re-run `skills/list`. */
  'skills/changed': Record<string, never>;
  'command/exec/outputDelta': CommandExecOutputDeltaNotification;
  'process/outputDelta': ProcessOutputDeltaNotification;
  'process/exited': ProcessExitedNotification;
}

export type ServerNotificationMethod = keyof ServerNotifications;

/**
 * One notification as an argument list: a handler written `(...[method, params]: NotificationArgs)`
 * gets `params` narrowed by `switch (method)`.
 */
export type NotificationArgs = { [M in ServerNotificationMethod]: [method: M, params: ServerNotifications[M]] }[ServerNotificationMethod];
