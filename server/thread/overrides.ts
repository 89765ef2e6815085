/**
 * Setting overrides on a loaded thread. Both thread/resume (of a thread that
 * is already loaded) and turn/start may change the settings of a running
 * thread; both come through here: every override is validated before any is
 * applied, so a bad request changes nothing, and the new settings are
 * recorded in the rollout so a later resume gets them back.
 */
import type { AppServer } from '../core/appServer';
import type { EffectiveConfig } from '../config/types';
import { invalidParams } from '../rpc/errors';
import type { ThreadResumeParams } from '../../protocol/thread';
import type { TurnStartParams } from '../../protocol/turn';
import type { LoadedThread } from './loadedThread';
import type { ThreadSettings } from './threadInit';
import { effectiveConfigFor, normalizeSandboxPolicy, resolveCwd, resolveSettings, type SettingsRequest } from './settings';

/** The turn/start fields that change the thread's settings for this and later turns. */
type TurnSettingsOverrides = Pick<TurnStartParams, 'cwd' | 'sandboxPolicy' | 'approvalPolicy' | 'model' | 'effort'>;

/** thread/resume of a loaded thread: the request's fields win over what the thread runs with. */
export function applyResumeOverrides(server: AppServer, thread: LoadedThread, params: ThreadResumeParams): void {
  if (!hasSettingsOverride(params)) return;
  const cwd = params.cwd ? resolveCwd(params.cwd, thread.cwd) : thread.cwd;
  const config = params.config ? effectiveConfigFor(server, params.config, cwd) : thread.config;
  const settings = resolveSettings(params, config, cwd, {
    cwd: thread.cwd,
    model: thread.model,
    modelProvider: thread.modelProvider,
    reasoningEffort: thread.reasoningEffort,
    approvalPolicy: thread.approvalPolicy,
    approvalsReviewer: thread.approvalsReviewer,
    sandboxPolicy: thread.sandbox,
    baseInstructions: thread.baseInstructions,
    developerInstructions: thread.developerInstructions,
  });
  commitSettings(thread, settings, { config, sessionConfig: params.config ?? undefined });
}

/** turn/start overrides: cwd, sandbox policy, approval policy, model and effort, all checked before any is applied. */
export function applyTurnOverrides(thread: LoadedThread, params: TurnSettingsOverrides): void {
  const changes: Partial<ThreadSettings> = {};
  if (params.cwd) changes.cwd = resolveCwd(params.cwd, thread.cwd);
  if (params.sandboxPolicy) {
    const sandbox = normalizeSandboxPolicy(params.sandboxPolicy);
    if (!sandbox) throw invalidParams(`Invalid params: sandboxPolicy: unknown type ${JSON.stringify(params.sandboxPolicy.type)}`);
    changes.sandbox = sandbox;
  }
  if (params.approvalPolicy) changes.approvalPolicy = params.approvalPolicy;
  if (params.model) changes.model = params.model;
  if (params.effort !== undefined && params.effort !== null) changes.reasoningEffort = params.effort;
  if (Object.keys(changes).length > 0) commitSettings(thread, changes, {});
}

/** Whether a resume request carries any setting (a stored thread then records its new settings on load). */
export function hasSettingsOverride(params: SettingsRequest): boolean {
  return Boolean(
    params.model ||
      params.modelProvider ||
      params.cwd ||
      params.approvalPolicy ||
      params.approvalsReviewer ||
      params.sandbox ||
      params.config ||
      params.baseInstructions ||
      params.developerInstructions,
  );
}

/** The one place a loaded thread's settings change: apply, then record them in the rollout. */
function commitSettings(
  thread: LoadedThread,
  settings: Partial<ThreadSettings>,
  configChange: { config?: EffectiveConfig; sessionConfig?: Record<string, unknown> },
): void {
  Object.assign(thread, settings);
  if (configChange.config) thread.config = configChange.config;
  if (configChange.sessionConfig) thread.sessionConfig = configChange.sessionConfig;
  thread.persistSettings();
}
