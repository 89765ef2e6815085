/**
 * The lifecycle hooks engine: at each point the turn engine reports, it loads
 * the config for the session's cwd, selects the trusted, enabled hooks whose
 * matcher fits, runs them concurrently and folds their outputs into a verdict.
 * Every run is surrounded by `hook/started` and `hook/completed`.
 */
import { hooksFeatureEnabled, loadLayerStack } from '../config/loader';
import type { HookContext, HookVerdict, LifecycleHooks, PermissionVerdict, ToolUse } from '../turn/lifecycleHooks';
import type { HookRunSummary } from '../../protocol/hooks';
import { discoverHooks, HOOK_EVENTS, matcherInputsForTool, matcherMatches, type HookEventInfo, type RunnableHook } from './discovery';
import { interpretResult, type HookOutcome } from './outputs';
import { runHookCommand } from './runner';

interface HooksEngineOptions {
  codexHome: string;
  /** The server's `-c` overrides (session flags). */
  configOverrides: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** The `thread/start.config` of a loaded thread, for contexts that do not carry it. */
  sessionConfigOf?: (threadId: string) => Record<string, unknown> | null | undefined;
}

type EventName = HookEventInfo['config'];

const eventInfo = (name: EventName): HookEventInfo => HOOK_EVENTS.find((e) => e.config === name)!;

interface Selection {
  event: HookEventInfo;
  /** Values the matcher is tested against (tool names and aliases, or the SessionStart source). */
  matcherInputs: string[] | null;
  toolUseId?: string;
  /** Event-specific stdin fields. */
  fields: Record<string, unknown>;
}

export class HooksEngine implements LifecycleHooks {
  constructor(private readonly options: HooksEngineOptions) {}

  /** The hooks that would run for an event in a cwd (trusted, enabled, matching), under a thread's own config. */
  select(cwd: string, event: HookEventInfo, matcherInputs: string[] | null, sessionConfig: Record<string, unknown> | null = null): RunnableHook[] {
    const stack = loadLayerStack(this.options.codexHome, this.options.configOverrides, { cwd, env: this.options.env, sessionConfig });
    if (!hooksFeatureEnabled(stack.merged)) return [];
    return discoverHooks(stack).runnable.filter(
      (hook) => hook.event.config === event.config && (matcherInputs === null || matcherMatches(hook.matcher, matcherInputs)),
    );
  }

  /** Runs the matching hooks concurrently; outcomes come back in configured order. */
  private async run(ctx: HookContext, selection: Selection): Promise<HookOutcome[]> {
    const sessionConfig = ctx.sessionConfig !== undefined ? ctx.sessionConfig : (this.options.sessionConfigOf?.(ctx.threadId) ?? null);
    const hooks = this.select(ctx.cwd, selection.event, selection.matcherInputs, sessionConfig);
    if (hooks.length === 0) return [];
    const isSessionStart = selection.event.config === 'SessionStart';
    const input = JSON.stringify({
      session_id: ctx.threadId,
      // SessionStart runs with the first turn but belongs to the thread: no turn_id, as with the reference.
      ...(ctx.turnId !== null && !isSessionStart ? { turn_id: ctx.turnId } : {}),
      transcript_path: ctx.transcriptPath,
      cwd: ctx.cwd,
      hook_event_name: selection.event.config,
      model: ctx.model,
      permission_mode: permissionModeFor(ctx.permissionMode),
      ...selection.fields,
    });
    const scope = isSessionStart ? 'thread' : 'turn';
    const summaries = hooks.map((hook): HookRunSummary => {
      const id = `${hook.event.label.replace(/_/g, '-')}:${hook.displayOrder}:${hook.sourcePath}`;
      return {
        id: selection.toolUseId ? `${id}:${selection.toolUseId}` : id,
        eventName: hook.event.wire,
        handlerType: 'command',
        executionMode: 'sync',
        scope,
        sourcePath: hook.sourcePath,
        source: hook.source,
        displayOrder: hook.displayOrder,
        status: 'running',
        statusMessage: hook.statusMessage,
        startedAt: Math.floor(Date.now() / 1000),
        completedAt: null,
        durationMs: null,
        entries: [],
      };
    });
    for (const run of summaries) ctx.notify('hook/started', { threadId: ctx.threadId, turnId: ctx.turnId, run });
    return Promise.all(
      hooks.map(async (hook, index) => {
        const result = await runHookCommand(hook.command, input, ctx.cwd, hook.timeoutSec, { ...(this.options.env ?? process.env), ...hook.env });
        const outcome = interpretResult(hook.event, result);
        const run: HookRunSummary = {
          ...summaries[index],
          status: outcome.status,
          startedAt: result.startedAt,
          completedAt: result.completedAt,
          durationMs: result.durationMs,
          entries: outcome.entries,
        };
        ctx.notify('hook/completed', { threadId: ctx.threadId, turnId: ctx.turnId, run });
        return outcome;
      }),
    );
  }

  private async verdict(ctx: HookContext, selection: Selection): Promise<HookVerdict> {
    return foldVerdict(await this.run(ctx, selection));
  }

  sessionStart(ctx: HookContext, source: 'startup' | 'resume' | 'clear'): Promise<HookVerdict> {
    return this.verdict(ctx, { event: eventInfo('SessionStart'), matcherInputs: [source], fields: { source } });
  }

  userPromptSubmit(ctx: HookContext, prompt: string): Promise<HookVerdict> {
    return this.verdict(ctx, { event: eventInfo('UserPromptSubmit'), matcherInputs: null, fields: { prompt } });
  }

  preToolUse(ctx: HookContext, tool: ToolUse): Promise<HookVerdict> {
    return this.verdict(ctx, {
      event: eventInfo('PreToolUse'),
      matcherInputs: matcherInputsForTool(tool.toolName),
      toolUseId: tool.toolUseId,
      fields: { tool_name: tool.toolName, tool_input: tool.toolInput, tool_use_id: tool.toolUseId },
    });
  }

  async permissionRequest(ctx: HookContext, tool: ToolUse): Promise<PermissionVerdict> {
    const outcomes = await this.run(ctx, {
      event: eventInfo('PermissionRequest'),
      matcherInputs: matcherInputsForTool(tool.toolName),
      toolUseId: tool.toolUseId,
      fields: { tool_name: tool.toolName, tool_input: tool.toolInput, tool_use_id: tool.toolUseId },
    });
    // Any deny wins; otherwise an allow answers; otherwise the client decides.
    const deny = outcomes.find((o) => o.permission?.decision === 'deny');
    if (deny) return { decision: 'deny', reason: deny.permission!.reason };
    if (outcomes.some((o) => o.permission?.decision === 'allow')) return { decision: 'allow' };
    return {};
  }

  postToolUse(ctx: HookContext, tool: ToolUse, toolResponse: unknown): Promise<HookVerdict> {
    return this.verdict(ctx, {
      event: eventInfo('PostToolUse'),
      matcherInputs: matcherInputsForTool(tool.toolName),
      toolUseId: tool.toolUseId,
      fields: { tool_name: tool.toolName, tool_input: tool.toolInput, tool_response: toolResponse, tool_use_id: tool.toolUseId },
    });
  }

  stop(ctx: HookContext, lastAssistantMessage: string | null, stopHookActive: boolean): Promise<HookVerdict> {
    return this.verdict(ctx, {
      event: eventInfo('Stop'),
      matcherInputs: null,
      fields: { stop_hook_active: stopHookActive, last_assistant_message: lastAssistantMessage },
    });
  }
}

const HOOK_PERMISSION_MODES = new Set(['default', 'acceptEdits', 'plan', 'dontAsk', 'bypassPermissions']);

/** Hooks see the approval policy the way the reference reports it: `never` is `bypassPermissions`, the rest `default`. */
function permissionModeFor(approvalPolicy: string): string {
  if (HOOK_PERMISSION_MODES.has(approvalPolicy)) return approvalPolicy;
  return approvalPolicy === 'never' ? 'bypassPermissions' : 'default';
}

/** Blocked if any hook blocked; the first reason in configured order explains it. */
function foldVerdict(outcomes: HookOutcome[]): HookVerdict {
  const verdict: HookVerdict = { blocked: outcomes.some((o) => o.blocked) };
  const reason = outcomes.find((o) => o.blocked && o.reason)?.reason;
  if (reason) verdict.reason = reason;
  const additionalContext = outcomes.flatMap((o) => o.additionalContext);
  if (additionalContext.length) verdict.additionalContext = additionalContext;
  const systemMessages = outcomes.flatMap((o) => o.systemMessages);
  if (systemMessages.length) verdict.systemMessages = systemMessages;
  return verdict;
}
