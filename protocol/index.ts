/**
 * THE app-server protocol contract, shared by the server, the extension and the tests.
 *
 * - `ClientRequests`: each client → server method, its params schema (zod: the server
 *   validates with it; clients send `ClientParams<M>`) and its result type.
 * - `ServerNotifications` (notifications.ts): each server → client notification, method → params.
 * - `ServerRequests` (serverRequests.ts): each server → client request (approvals) and its answer.
 * - items.ts: the shared Thread, Turn, ThreadItem, UserInput… shapes.
 *
 * `MethodRegistry.register`, `notify`/`broadcast`, the extension's `request`/`onNotification`/
 * `onServerRequest` are typed by these maps, so a misspelled method, wrong params or a wrong
 * payload fails `tsc` on both ends. The extension imports this folder with `import type`
 * only (no bundle cost). `test/server/contractDrift.test.ts` checks every entry against
 * the pinned reference's JSON schema (field names, required fields, enum values).
 *
 * Adding a method
 * 1. In `protocol/<namespace>.ts`: the params schema (`export const FooBarParams = z.object(…)`,
 *    field names and optionality exactly as in the reference), the result type, and an entry
 *    `'foo/bar': { params: typeof FooBarParams; result: FooBarResponse }` in that file's
 *    `…Requests` interface (add `experimental: true` if the reference only has it in
 *    `generate-json-schema --experimental`). A new namespace file: add its `…Requests` to
 *    `ClientRequests` below.
 * 2. New notifications: an entry in `ServerNotifications`; new server requests: `ServerRequests`.
 * 3. On the server: `registry.register('foo/bar', FooBarParams, handler)` in `server/<namespace>/`
 *    (pass `{ experimental: true }` when the contract says so; tsc insists).
 * 4. Run `test/server/contractDrift.test.ts`: it names any field that differs from the reference.
 */
import type { z } from 'zod';
import type { CommandRequests } from './command';
import type { ConfigRequests } from './config';
import type { FeatureRequests } from './features';
import type { HooksRequests } from './hooks';
import type { SkillsRequests } from './skills';
import type { McpRequests } from './mcp';
import type { InitializeRequests } from './initialize';
import type { ModelRequests } from './model';
import type { ProcessRequests } from './process';
import type { BackgroundTerminalRequests, ThreadRequests } from './thread';
import type { TurnRequests } from './turn';
import type { ReviewRequests } from './review';
import type { AccountRequests } from './account';
import type { ModelProviderRequests } from './modelProvider';
import type { FuzzyFileSearchRequests } from './fuzzyFileSearch';

/** The shape of one `ClientRequests` entry. */
export interface RequestSpec {
  params: z.ZodType;
  result: unknown;
  /** Only for clients that set `capabilities.experimentalApi` (reference: `--experimental` schema). */
  experimental?: true;
}

export interface ClientRequests extends InitializeRequests, ConfigRequests, HooksRequests, ThreadRequests, TurnRequests, ReviewRequests, ModelRequests, CommandRequests, SkillsRequests, McpRequests, ProcessRequests, FeatureRequests, BackgroundTerminalRequests, AccountRequests, ModelProviderRequests, FuzzyFileSearchRequests {}

export type ClientRequestMethod = keyof ClientRequests;
/** Params as a client sends them (fields with defaults may be left out). */
export type ClientParams<M extends ClientRequestMethod> = z.input<ClientRequests[M]['params']>;
/** Params as a server handler receives them, after validation (defaults applied). */
export type ValidatedParams<M extends ClientRequestMethod> = z.output<ClientRequests[M]['params']>;
export type ClientResult<M extends ClientRequestMethod> = ClientRequests[M]['result'];
export type IsExperimental<M extends ClientRequestMethod> = ClientRequests[M] extends { experimental: true } ? true : false;

// Every entry must have the RequestSpec shape (a compile error names the bad one).
type AssertSpecs<T extends Record<keyof T, RequestSpec>> = T;
export type CheckedClientRequests = AssertSpecs<ClientRequests>;

export type { ServerNotifications, ServerNotificationMethod, NotificationArgs, TurnPlanStep, TurnPlanStepStatus } from './notifications';
export type {
  ServerRequests,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResult,
  ApprovalRequestMethod,
  CommandExecutionApprovalDecision,
  FileChangeApprovalDecision,
  ReviewDecision,
} from './serverRequests';
export type * from './items';

import type { ServerNotificationMethod, ServerNotifications } from './notifications';
/** Something that sends notifications (a session, a thread's subscribers, every client). */
export interface Notifier {
  notify<M extends ServerNotificationMethod>(method: M, params: ServerNotifications[M]): void;
}

export type { InitializeResponse } from './initialize';
export type { ConfigEdit, ConfigReadResponse, ConfigWarning, ConfigWriteResponse } from './config';
export type { HookMetadata, HookRunSummary, HooksListEntry, HookTrustStatus } from './hooks';
export type { SkillMetadata, SkillsListEntry } from './skills';
export type { Model, ModelListResponse } from './model';
export type { GetAccountResponse, AccountUpdatedNotification, AccountLoginCompletedNotification } from './account';
export type { ModelProviderListResponse, ModelProviderSummary } from './modelProvider';
export type { ThreadListResponse, ThreadResumeResponse, ThreadSessionResponse, ThreadTurnsListResponse } from './thread';
export type { CommandExecResponse } from './command';
export type { ProcessExitedNotification, ProcessOutputDeltaNotification } from './process';
