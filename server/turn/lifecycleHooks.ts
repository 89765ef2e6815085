/**
 * The points in a thread's life where lifecycle hooks run. The turn engine
 * calls these; the hooks module (server/hooks) implements them by running the
 * configured, trusted hook commands. `noLifecycleHooks` is used when hooks are
 * off. Keeping this contract here lets the turn loop stay unaware of how hooks
 * are loaded, trusted and executed.
 */
import type { Notifier } from '../../protocol';

export interface HookContext extends Notifier {
  threadId: string;
  turnId: string | null;
  cwd: string;
  model: string;
  /** Path of the thread's rollout file (hooks get it as `transcript_path`). */
  transcriptPath: string | null;
  /** The approval policy, reported to hooks as `permission_mode`. */
  permissionMode: string;
  /**
   * The thread's own `config` from thread/start (session flags over the server's `-c`),
   * deciding which hooks apply (e.g. `features.hooks = false`). Optional: when the
   * caller leaves it out, the hooks engine looks the loaded thread up by `threadId`.
   */
  sessionConfig?: Record<string, unknown> | null;
  // notify(): to the thread's subscribers (hook/started, hook/completed, warning…).
}

export interface ToolUse {
  toolName: string;
  toolUseId: string;
  toolInput: unknown;
}

export interface HookVerdict {
  /** Stop what was about to happen (prompt, tool call, or the end of the turn for Stop). */
  blocked: boolean;
  /** Why, from stderr (exit code 2) or the JSON `reason`; shown to the user and/or the model. */
  reason?: string;
  /** Extra developer context for the model (`hookSpecificOutput.additionalContext`, SessionStart stdout). */
  additionalContext?: string[];
  /** `systemMessage` values, shown to the user as warnings. */
  systemMessages?: string[];
}

export interface PermissionVerdict {
  /** `allow` or `deny` answers the permission request; undefined falls through to the client. */
  decision?: 'allow' | 'deny';
  reason?: string;
}

export interface LifecycleHooks {
  sessionStart(ctx: HookContext, source: 'startup' | 'resume' | 'clear'): Promise<HookVerdict>;
  userPromptSubmit(ctx: HookContext, prompt: string): Promise<HookVerdict>;
  preToolUse(ctx: HookContext, tool: ToolUse): Promise<HookVerdict>;
  permissionRequest(ctx: HookContext, tool: ToolUse): Promise<PermissionVerdict>;
  postToolUse(ctx: HookContext, tool: ToolUse, toolResponse: unknown): Promise<HookVerdict>;
  /** `stopHookActive` is true when the turn already continued because of a Stop hook. */
  stop(ctx: HookContext, lastAssistantMessage: string | null, stopHookActive: boolean): Promise<HookVerdict>;
}

const allow = async (): Promise<HookVerdict> => ({ blocked: false });

const noLifecycleHooks: LifecycleHooks = {
  sessionStart: allow,
  userPromptSubmit: allow,
  preToolUse: allow,
  permissionRequest: async () => ({}),
  postToolUse: allow,
  stop: allow,
};

/** The hooks module installs its implementation at startup (see server/hooks). */
let installed: LifecycleHooks = noLifecycleHooks;
export function installLifecycleHooks(hooks: LifecycleHooks): void {
  installed = hooks;
}
export function lifecycleHooks(): LifecycleHooks {
  return installed;
}
