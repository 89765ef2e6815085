import { z } from 'zod';

/** `hooks/list` */
export const HooksListParams = z.object({
  cwds: z.array(z.string()).optional(),
  threadId: z.string().nullish(),
});

/** Every event the reference knows; our server runs sessionStart, userPromptSubmit, preToolUse, permissionRequest, postToolUse and stop. */
export type HookEventName =
  | 'preModelRequest'
  | 'postModelRequest'
  | 'preToolUse'
  | 'permissionRequest'
  | 'postToolUse'
  | 'preCompact'
  | 'postCompact'
  | 'sessionStart'
  | 'sessionEnd'
  | 'userPromptSubmit'
  | 'subagentStart'
  | 'subagentStop'
  | 'stop'
  | 'interrupt';
export type HookSource =
  | 'system'
  | 'user'
  | 'project'
  | 'mdm'
  | 'sessionFlags'
  | 'plugin'
  | 'cloudRequirements'
  | 'cloudManagedConfig'
  | 'legacyManagedConfigFile'
  | 'legacyManagedConfigMdm'
  | 'unknown';
/** Our server runs `command` hooks only. */
export type HookHandlerType = 'command' | 'mcpTool' | 'prompt' | 'agent';
export type HookTrustStatus = 'managed' | 'untrusted' | 'trusted' | 'modified';
export type HookRunStatus = 'running' | 'completed' | 'failed' | 'blocked' | 'stopped';
export type HookOutputEntryKind = 'warning' | 'stop' | 'feedback' | 'context' | 'error';

/** One configured command hook, as `hooks/list` reports it. */
export interface HookMetadata {
  key: string;
  eventName: HookEventName;
  handlerType: HookHandlerType;
  command: string;
  async: boolean;
  matcher: string | null;
  timeoutSec: number;
  statusMessage: string | null;
  additionalContextLimit: number | null;
  sourcePath: string;
  source: HookSource;
  pluginId: string | null;
  environmentId: string | null;
  displayOrder: number;
  enabled: boolean;
  isManaged: boolean;
  currentHash: string;
  trustStatus: HookTrustStatus;
}

export interface HooksListEntry {
  cwd: string;
  hooks: HookMetadata[];
  warnings: string[];
  errors: { path: string; message: string }[];
}

export interface HookOutputEntry {
  kind: HookOutputEntryKind;
  text: string;
}

/** Carried by `hook/started` and `hook/completed`. */
export interface HookRunSummary {
  id: string;
  eventName: HookEventName;
  handlerType: HookHandlerType;
  executionMode: 'sync' | 'async';
  scope: 'thread' | 'turn';
  sourcePath: string;
  source: HookSource;
  displayOrder: number;
  status: HookRunStatus;
  statusMessage: string | null;
  startedAt: number;
  completedAt: number | null;
  durationMs: number | null;
  entries: HookOutputEntry[];
}

export interface HooksRequests {
  'hooks/list': { params: typeof HooksListParams; result: { data: HooksListEntry[] } };
}
