/**
 * Resolves a thread's settings from, in increasing precedence: built-in
 * defaults, the effective config (config.toml, `-c`, the request's `config`),
 * what a resumed thread recorded, and the explicit request fields.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AppServer } from '../core/appServer';
import { loadEffectiveConfig, loadLayerStack } from '../config/loader';
import { disallowedValuePrefix, enforceRequirements } from '../config/requirements';
import { trustProjectForWritableThread } from '../config/trust';
import type { EffectiveConfig } from '../config/types';
import type { ConfigWarning } from '../../protocol/config';
import { invalidRequest } from '../rpc/errors';
import { ApprovalsReviewer, AskForApproval, SandboxMode, type GitInfo, type SandboxPolicy } from '../../protocol/items';
import { DEFAULT_MODEL, DEFAULT_PROVIDER } from '../models/catalog';
import type { RolloutSettings } from '../rollout/reader';
import { log } from '../log';
import type { ThreadSettings } from './threadInit';

/** Providers the reference knows without a `[model_providers.*]` table. */
const BUILT_IN_PROVIDERS = ['openai', 'ollama', 'lmstudio', 'oss'];

export interface SettingsRequest {
  model?: string | null;
  modelProvider?: string | null;
  cwd?: string | null;
  approvalPolicy?: AskForApproval | null;
  approvalsReviewer?: ApprovalsReviewer | null;
  sandbox?: SandboxMode | null;
  config?: Record<string, unknown> | null;
  baseInstructions?: string | null;
  developerInstructions?: string | null;
}

/**
 * The effective config for a thread: the layer stack for its cwd (system,
 * user, trusted project folders, profile), `-c` overrides, then the
 * request's `config` map (dotted keys allowed), requirements last.
 */
export function effectiveConfigFor(server: AppServer, requestConfig: Record<string, unknown> | null | undefined, cwd: string): EffectiveConfig {
  return loadEffectiveConfig(server.codexHome, server.options.configOverrides ?? [], { cwd, sessionConfig: requestConfig ?? null });
}

/**
 * Config for a new thread, as the reference admits it: a config file that is not
 * valid TOML refuses the thread; an approval policy or sandbox the system
 * requirements disallow falls back to an allowed one with a warning (from the
 * request or from config alike); a writable thread in an undecided repository
 * trusts that repository first, so its project config applies.
 */
export function admitNewThread(
  server: AppServer,
  params: SettingsRequest,
  cwd: string,
): { config: EffectiveConfig; request: SettingsRequest; warnings: ConfigWarning[] } {
  const overrides = server.options.configOverrides ?? [];
  const stack = loadLayerStack(server.codexHome, overrides, { cwd, sessionConfig: params.config ?? null });
  const invalidFile = stack.warnings.find((warning) => warning.range);
  if (invalidFile) {
    throw invalidRequest(`failed to load configuration: ${invalidFile.summary.replace(/ This file was skipped\.$/, '')}`);
  }
  const enforced = enforceRequirements({ approvalPolicy: params.approvalPolicy, sandboxMode: params.sandbox }, stack.requirements);
  // Config-level fallbacks were already applied by the loader; report those the request did not replace.
  const fromConfig = stack.warnings.filter(
    (warning) =>
      (params.approvalPolicy == null && warning.summary.startsWith(disallowedValuePrefix('approval_policy'))) ||
      (params.sandbox == null && warning.summary.startsWith(disallowedValuePrefix('sandbox_mode'))),
  );
  const sandbox = (enforced.sandboxMode ?? stack.merged.sandbox_mode) as SandboxMode | undefined;
  trustProjectForWritableThread(server.codexHome, overrides, cwd, typeof sandbox === 'string' ? sandbox : null);
  return {
    config: effectiveConfigFor(server, params.config, cwd),
    request: { ...params, approvalPolicy: enforced.approvalPolicy as AskForApproval | null | undefined, sandbox: enforced.sandboxMode as SandboxMode | null | undefined },
    warnings: [...fromConfig, ...enforced.warnings],
  };
}

/** An absolute, existing directory, or a -32600 error naming it. */
export function resolveCwd(requested: string | null | undefined, fallback: string): string {
  const cwd = path.resolve(requested && requested.trim() ? requested : fallback);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(cwd);
  } catch {
    throw invalidRequest(`cwd does not exist: ${cwd}`);
  }
  if (!stat.isDirectory()) throw invalidRequest(`cwd is not a directory: ${cwd}`);
  return cwd;
}

export function sandboxPolicyFor(mode: SandboxMode, config: EffectiveConfig, cwd: string): SandboxPolicy {
  switch (mode) {
    case 'danger-full-access':
      return { type: 'dangerFullAccess' };
    case 'workspace-write': {
      const ww = config.sandbox_workspace_write ?? {};
      return {
        type: 'workspaceWrite',
        writableRoots: [cwd, ...(ww.writable_roots ?? []).filter((root) => root !== cwd)],
        networkAccess: ww.network_access ?? false,
        excludeTmpdirEnvVar: ww.exclude_tmpdir_env_var ?? false,
        excludeSlashTmp: ww.exclude_slash_tmp ?? false,
      };
    }
    default:
      return { type: 'readOnly', networkAccess: false };
  }
}

/** Accepts both our recorded shape and the reference's (`{"type":"workspace-write","writable_roots":…}`). */
export function normalizeSandboxPolicy(value: unknown): SandboxPolicy | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, any>;
  switch (v.type) {
    case 'dangerFullAccess':
    case 'danger-full-access':
      return { type: 'dangerFullAccess' };
    case 'readOnly':
    case 'read-only':
      return { type: 'readOnly', networkAccess: Boolean(v.networkAccess ?? v.network_access ?? false) };
    case 'externalSandbox':
    case 'external-sandbox':
      return { type: 'externalSandbox', networkAccess: (v.networkAccess ?? v.network_access) === 'enabled' ? 'enabled' : 'restricted' };
    case 'workspaceWrite':
    case 'workspace-write':
      return {
        type: 'workspaceWrite',
        writableRoots: Array.isArray(v.writableRoots ?? v.writable_roots) ? (v.writableRoots ?? v.writable_roots).map(String) : [],
        networkAccess: Boolean(v.networkAccess ?? v.network_access ?? false),
        excludeTmpdirEnvVar: Boolean(v.excludeTmpdirEnvVar ?? v.exclude_tmpdir_env_var ?? false),
        excludeSlashTmp: Boolean(v.excludeSlashTmp ?? v.exclude_slash_tmp ?? false),
      };
    default:
      return null;
  }
}

function knownProviders(config: EffectiveConfig): string[] {
  return [...BUILT_IN_PROVIDERS, ...Object.keys(config.model_providers ?? {})];
}

/**
 * Final settings for a thread. `recorded` holds what a resumed/forked thread
 * ran with last; request fields win over it, and it wins over config.
 */
export function resolveSettings(request: SettingsRequest, config: EffectiveConfig, cwd: string, recorded: RolloutSettings = {}): ThreadSettings {
  const known = knownProviders(config);
  const configProvider = config.model_provider ?? DEFAULT_PROVIDER;
  // A provider recorded by an older session may since have left config.toml: fall back to the configured one.
  const recordedProvider = recorded.modelProvider && known.includes(recorded.modelProvider) ? recorded.modelProvider : undefined;
  if (recorded.modelProvider && !recordedProvider) {
    log.warn(`thread was recorded with model provider "${recorded.modelProvider}", which config no longer defines; using "${configProvider}"`);
  }
  const modelProvider = request.modelProvider ?? recordedProvider ?? configProvider;
  if (!known.includes(modelProvider)) {
    throw invalidRequest(`unknown model provider "${modelProvider}": define [model_providers.${modelProvider}] in config.toml`);
  }
  const recordedApproval = AskForApproval.safeParse(recorded.approvalPolicy);
  const configApproval = AskForApproval.safeParse(config.approval_policy);
  const recordedReviewer = ApprovalsReviewer.safeParse(recorded.approvalsReviewer);
  const configSandbox = SandboxMode.safeParse(config.sandbox_mode);
  const recordedSandbox = normalizeSandboxPolicy(recorded.sandboxPolicy);
  const configEffort = typeof config.model_reasoning_effort === 'string' ? config.model_reasoning_effort : null;
  const sandbox = request.sandbox
    ? sandboxPolicyFor(request.sandbox, config, cwd)
    : (recordedSandbox ?? sandboxPolicyFor(configSandbox.success ? configSandbox.data : 'read-only', config, cwd));
  return {
    cwd,
    model: request.model ?? recorded.model ?? config.model ?? DEFAULT_MODEL,
    modelProvider,
    reasoningEffort:
      recorded.reasoningEffort !== undefined && !(request.config && 'model_reasoning_effort' in request.config) ? recorded.reasoningEffort : configEffort,
    approvalPolicy: request.approvalPolicy ?? (recordedApproval.success ? recordedApproval.data : configApproval.success ? configApproval.data : 'on-request'),
    approvalsReviewer: request.approvalsReviewer ?? (recordedReviewer.success ? recordedReviewer.data : 'user'),
    sandbox,
    baseInstructions: request.baseInstructions ?? recorded.baseInstructions ?? (typeof config.instructions === 'string' ? config.instructions : null),
    developerInstructions:
      request.developerInstructions ?? recorded.developerInstructions ?? (typeof config.developer_instructions === 'string' ? config.developer_instructions : null),
  };
}

/** Commit, branch and origin of the repository containing `cwd` (null outside git). */
export function readGitInfo(cwd: string): GitInfo | null {
  const git = (...args: string[]): string | null => {
    try {
      return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 }).trim() || null;
    } catch {
      return null;
    }
  };
  const sha = git('rev-parse', 'HEAD');
  if (sha === null && git('rev-parse', '--is-inside-work-tree') !== 'true') return null;
  const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
  return { sha, branch: branch === 'HEAD' ? null : branch, originUrl: git('config', '--get', 'remote.origin.url') };
}
