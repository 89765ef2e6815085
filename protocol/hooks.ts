import { z } from 'zod';

/** `hooks/list` */
export const HooksListParams = z.object({
  cwds: z.array(z.string()).optional(),
  threadId: z.string().nullish(),
});

export type HookEventName = 'sessionStart' | 'userPromptSubmit' | 'preToolUse' | 'permissionRequest' | 'postToolUse' | 'stop';
export type HookSource = 'system' | 'user' | 'project' | 'sessionFlags' | 'plugin' | 'unknown';
export type HookTrustStatus = 'managed' | 'untrusted' | 'trusted' | 'modified';
export type HookRunStatus = 'running' | 'completed' | 'failed' | 'blocked' | 'stopped';
export type HookOutputEntryKind = 'warning' | 'stop' | 'feedback' | 'context' | 'error';

/** One configured command hook, as `hooks/list` reports it. */
export interface HookMetadata {
  key: string;
  eventName: HookEventName;
  handlerType: 'command';
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
  handlerType: 'command';
  executionMode: 'sync';
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
