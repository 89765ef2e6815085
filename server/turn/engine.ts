/**
 * The agent loop of one turn: send the conversation to the model, stream its
 * reply as thread items, run the tool calls it makes, and sample again until
 * the model answers without calling tools. Retries, interrupts, steering and
 * lifecycle hooks are handled here.
 */
import { v7 as uuidv7 } from 'uuid';
import type { AppServer } from '../core/appServer';
import type { ClientSession } from '../core/session';
import { log } from '../log';
import type { AgentMessageItem, ReasoningItem, ThreadItem, Turn, TurnError, UserInput, UserMessageItem } from '../../protocol/items';
import { ModelClient, ModelError, type ModelEvent, type ResponseItem, type ToolOutput, type Usage } from '../providers/modelClient';
import { mcpModelTools } from '../mcp/modelTools';
import { mcpOf } from '../mcp/threadServers';
import { ProviderError, resolveProvider } from '../providers/registry';
import type { LoadedThread } from '../thread/loadedThread';
import { TurnDiffTracker } from '../diff/turnDiff';
import { ALL_TOOLS } from '../tools/specs';
import { isParallelSafe, ToolRuntime } from '../tools/toolRuntime';
import { lifecycleHooks, type HookContext } from './lifecycleHooks';
import { skillsServiceOf } from '../skills/service';
import { skillMessagesFor } from '../skills/turnInput';
import { agentsInstructions, BASE_INSTRUCTIONS, developerMessage, environmentContext, TURN_ABORTED_NOTE, userMessage } from './context';
import { turnStateOf, type ThreadTurnState } from './state';
import { runToolCall, type ToolCallContext } from './toolCalls';
import { outputText, sendableToModel, sleep, textOfInput, toBreakdown } from './modelInput';
import type { RunningTurn } from './runningTurn';
import { autoCompactLimit, effectiveContextWindow } from '../compaction/budget';
import { compactOrFail, CONTEXT_WINDOW_FULL } from '../compaction/compactor';
import type { CompactionPhase } from '../compaction/replacement';
import type { TurnMode } from './turnMode';
import { modelContentOf, userMessageContent } from './userContent';
import { isUserShellRecord } from '../thread/shellCommand';

const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 10_000;

class TurnAborted extends Error {
  constructor() {
    super('turn interrupted');
  }
}

export class TurnRunner implements RunningTurn {
  readonly abort = new AbortController();
  readonly diff: TurnDiffTracker;
  readonly state: ThreadTurnState;
  /** Input added with turn/steer, consumed before the next model request. */
  private readonly steered: { input: UserInput[]; clientId: string | null }[] = [];
  private lastAgentMessage: string | null = null;
  /** Set once `cancel` was chosen for an approval: the turn ends as interrupted. */
  cancelled = false;
  /** Approval requests of concurrent tool calls still unanswered (the thread shows waitingOnApproval meanwhile). */
  approvalsPending = 0;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    readonly server: AppServer,
    readonly thread: LoadedThread,
    readonly turn: Turn,
    /** The connection that started the turn; approvals go to it first. */
    readonly session: ClientSession,
    private readonly input: UserInput[],
    private readonly clientUserMessageId: string | null,
    private readonly reasoningSummary: string | null,
    /** JSON Schema for the final answer of this turn only. */
    private readonly outputSchema: unknown = null,
    /** `compact`: a thread/compact/start turn that only compacts the history. */
    readonly kind: 'turn' | 'compact' = 'turn',
    /** A review (or other special turn) with its own conversation; null for an ordinary turn. */
    private readonly mode: TurnMode | null = null,
  ) {
    this.state = turnStateOf(thread);
    this.diff = new TurnDiffTracker(thread.cwd);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get id(): string {
    return this.turn.id;
  }

  /** The client that answers approvals: the turn's starter if still connected, else any subscriber. */
  approver(): ClientSession | undefined {
    if (!this.session.isClosed && this.thread.subscribers.has(this.session)) return this.session;
    return [...this.thread.subscribers].find((s) => !s.isClosed);
  }

  hookContext(): HookContext {
    return {
      threadId: this.thread.id,
      turnId: this.turn.id,
      cwd: this.thread.cwd,
      model: this.thread.model,
      transcriptPath: this.thread.rolloutPath,
      permissionMode: typeof this.thread.approvalPolicy === 'string' ? this.thread.approvalPolicy : 'granular',
      notify: (method, params) => this.thread.notify(method, params),
    };
  }

  notifyItem(kind: 'started' | 'completed', item: ThreadItem): void {
    const now = Date.now();
    if (kind === 'started') {
      item.startedAtMs ??= now;
      item.completedAtMs ??= null;
      this.thread.notify('item/started', { item, threadId: this.thread.id, turnId: this.turn.id, startedAtMs: item.startedAtMs });
    } else {
      item.completedAtMs = now;
      this.thread.recordItem(this.turn.id, item);
      this.thread.notify('item/completed', { item, threadId: this.thread.id, turnId: this.turn.id, contentTokenCount: null, completedAtMs: now });
    }
  }

  steer(input: UserInput[], clientId: string | null): void {
    this.steered.push({ input, clientId });
  }

  /** Stops the model stream and kills this thread's running commands; resolves when the turn has ended. */
  async interrupt(): Promise<void> {
    this.abort.abort();
    await this.state.execSessions.killAll();
    await this.done;
  }

  throwIfAborted(): void {
    if (this.abort.signal.aborted || this.cancelled) throw new TurnAborted();
  }

  async run(): Promise<void> {
    try {
      const outcome = await this.loop();
      this.finish(outcome.status, outcome.error);
    } catch (error) {
      if (error instanceof TurnAborted || this.abort.signal.aborted || this.cancelled) {
        this.finish('interrupted', null);
      } else {
        log.error('turn failed:', error);
        this.fail({ message: (error as Error)?.message ?? String(error), codexErrorInfo: 'other', additionalDetails: null });
      }
    } finally {
      this.state.active = null;
      this.resolveDone();
    }
  }

  private async loop(): Promise<{ status: 'completed' | 'failed'; error: TurnError | null }> {
    const hooks = lifecycleHooks();
    const ctx = this.hookContext();
    const firstTurnOfLoad = !this.state.sessionStarted;
    // `!` commands run before the first prompt do not count: the context still comes first for the model.
    const newThread = this.thread.history.every(isUserShellRecord);

    let client: ModelClient;
    try {
      client = new ModelClient(resolveProvider(this.thread.modelProvider, this.thread.config, this.server.codexHome));
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (this.kind !== 'compact') void this.recordUserInput(this.input, this.clientUserMessageId, false); // keeps the prompt, like the reference; not in history, so the next turn gets the preamble
      return { status: 'failed', error: this.reportError(error.message, 'other') };
    }
    if (this.kind === 'compact') return (await this.compact(client, 'standalone')) ?? { status: 'completed', error: null };
    // Over budget since the last response: compact before this turn's input (the reference's pre-turn compaction).
    if (!newThread && (this.thread.tokenUsage?.last.totalTokens ?? 0) >= autoCompactLimit(this.thread)) {
      const failed = await this.compact(client, 'preTurn');
      if (failed) return failed;
    }

    const preamble: ResponseItem[] = this.mode ? this.mode.preamble() : [];
    if (this.mode) {
      // The mode's preamble stands alone: no thread instructions or environment restated.
    } else if (newThread) {
      if (this.thread.developerInstructions) preamble.push(developerMessage(this.thread.developerInstructions));
      const skills = skillsServiceOf(this.server).instructionsFor(this.thread.cwd, this.thread.sessionConfig);
      if (skills) preamble.push(developerMessage(skills));
      const agents = agentsInstructions(this.server.codexHome, this.thread.cwd);
      if (agents) preamble.push(agents);
    }
    // The environment (cwd, sandbox, approvals, date) is restated whenever it changed, e.g. a turn/start cwd override.
    const environment = environmentContext(this.thread.cwd, this.thread.sandbox, this.thread.approvalPolicy);
    const environmentText = JSON.stringify(environment);
    if (!this.mode && (newThread || (this.state.lastEnvironmentContext !== null && this.state.lastEnvironmentContext !== environmentText))) preamble.push(environment);
    if (!this.mode) this.state.lastEnvironmentContext = environmentText;
    if (firstTurnOfLoad) {
      this.state.sessionStarted = true;
      const verdict = await hooks.sessionStart(ctx, newThread ? 'startup' : 'resume');
      for (const context of verdict.additionalContext ?? []) preamble.push(developerMessage(context));
    }

    const promptText = textOfInput(this.input);
    const promptVerdict = await hooks.userPromptSubmit(ctx, promptText);
    if (promptVerdict.blocked) {
      this.appendHistory(preamble, this.turn.id);
      if (promptVerdict.reason) this.thread.notify('warning', { threadId: this.thread.id, message: `Prompt blocked by a hook: ${promptVerdict.reason}` });
      return { status: 'completed', error: null };
    }
    for (const context of promptVerdict.additionalContext ?? []) preamble.push(developerMessage(context));
    this.appendHistory(preamble, this.turn.id);
    await this.recordUserInput(this.input, this.clientUserMessageId);

    // Servers of a resumed or forked thread start with its first turn (a new thread's started with thread/start).
    await mcpOf(this.thread).ensureStarted();
    let stopHookActive = false;
    let compactedForContextError = false;
    for (;;) {
      this.throwIfAborted();
      await this.consumeSteeredInput();
      const sampled = await this.sampleWithRetries(client);
      if ('error' in sampled) return { status: 'failed', error: sampled.error };
      if ('contextExceeded' in sampled) {
        // The provider refused the history as too long: compact, then retry once.
        if (compactedForContextError) return { status: 'failed', error: this.reportError(CONTEXT_WINDOW_FULL, 'contextWindowExceeded') };
        compactedForContextError = true;
        const failed = await this.compact(client, 'midTurn');
        if (failed) return failed;
        continue;
      }
      // Like the reference, a review's usage is not reported on the thread.
      if (sampled.usage && !this.mode) this.thread.updateTokenUsage(this.turn.id, toBreakdown(sampled.usage), this.contextWindow());
      if (this.diff.hasChanges) this.emitDiff();
      this.throwIfAborted();
      if (sampled.toolCalls > 0 || this.steered.length) {
        // The turn goes on: compact first if the last request reached the budget.
        if (sampled.usage && sampled.usage.totalTokens >= autoCompactLimit(this.thread)) {
          const failed = await this.compact(client, 'midTurn');
          if (failed) return failed;
        }
        continue;
      }
      const stop = await hooks.stop(ctx, this.lastAgentMessage, stopHookActive);
      if (!stop.blocked) break;
      stopHookActive = true;
      const hookPrompt = `<hook_prompt hook_run_id="${uuidv7()}">${stop.reason ?? 'Continue.'}</hook_prompt>`;
      this.appendHistory([userMessage(hookPrompt)], this.turn.id);
    }
    return { status: 'completed', error: null };
  }

  /** The usable context window (config, catalog or the reference's 272k fallback, less 5% reserve). */
  private contextWindow(): number {
    return effectiveContextWindow(this.thread);
  }

  /** Compacts the history (server/compaction); if no summary can be produced the turn fails and the history stays. */
  private async compact(client: ModelClient, phase: CompactionPhase): Promise<{ status: 'failed'; error: TurnError } | null> {
    return compactOrFail(this, client, phase, (message, info) => this.reportError(message, info));
  }

  /** Extends the model conversation: the thread's history, or the mode's own. */
  private appendHistory(items: ResponseItem[], turnId: string): void {
    if (this.mode) this.mode.conversation.push(...items);
    else this.thread.appendHistory(items, turnId);
  }

  emitDiff(): void {
    this.thread.notify('turn/diff/updated', { threadId: this.thread.id, turnId: this.turn.id, diff: this.diff.diff() });
  }

  private async recordUserInput(input: UserInput[], clientId: string | null, toHistory = true): Promise<void> {
    const item: UserMessageItem = { type: 'userMessage', id: uuidv7(), clientId, content: userMessageContent(input) };
    this.notifyItem('started', item);
    if (toHistory) this.appendHistory([{ type: 'message', role: 'user', content: await modelContentOf(input, this.thread.cwd) }], this.turn.id);
    this.appendHistory(skillMessagesFor(skillsServiceOf(this.server), this.thread, input), this.turn.id);
    this.notifyItem('completed', { ...item });
  }

  private async consumeSteeredInput(): Promise<void> {
    for (const steer of this.steered.splice(0)) await this.recordUserInput(steer.input, steer.clientId);
  }

  /** One model response, retried on 429/5xx and dropped streams with exponential backoff. */
  private async sampleWithRetries(client: ModelClient): Promise<{ usage: Usage | null; toolCalls: number } | { error: TurnError } | { contextExceeded: true }> {
    const provider = client.provider;
    // Request failures (429, 5xx, no connection) and broken streams have separate budgets.
    let requestRetries = 0;
    let streamRetries = 0;
    for (;;) {
      try {
        return await this.sample(client);
      } catch (error) {
        if (error instanceof TurnAborted || this.abort.signal.aborted) throw new TurnAborted();
        if (!(error instanceof ModelError)) throw error;
        if (error.codexErrorInfo === 'contextWindowExceeded') return { contextExceeded: true };
        const isStreamDrop = typeof error.codexErrorInfo === 'object' && error.codexErrorInfo !== null && 'responseStreamDisconnected' in error.codexErrorInfo;
        const used = isStreamDrop ? streamRetries : requestRetries;
        const budget = isStreamDrop ? provider.streamMaxRetries : provider.requestMaxRetries;
        if (!error.retryable || used >= budget) {
          // Like the reference, a stream that stays broken fails the turn with its own message and `other`.
          if (isStreamDrop) return { error: this.reportError(error.message, 'other') };
          const attempts = requestRetries + streamRetries + 1;
          const info = error.retryable && attempts > 1 ? { responseTooManyFailedAttempts: { httpStatusCode: error.httpStatus } } : error.codexErrorInfo;
          const message = attempts > 1 ? `${error.message} (gave up after ${attempts} attempts)` : error.message;
          return { error: this.reportError(message, info) };
        }
        if (isStreamDrop) streamRetries++;
        else requestRetries++;
        const delay = error.retryAfterMs ?? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** used * (0.9 + Math.random() * 0.2));
        // Like the reference, HTTP retries are silent; a broken stream is reported (the reply restarts).
        if (isStreamDrop) {
          this.thread.notify('error', {
            error: { message: `${error.message}; reconnecting ${used + 1}/${budget} in ${Math.round(delay)} ms…`, codexErrorInfo: error.codexErrorInfo, additionalDetails: null },
            willRetry: true,
            threadId: this.thread.id,
            turnId: this.turn.id,
          });
        }
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async sample(client: ModelClient): Promise<{ usage: Usage | null; toolCalls: number }> {
    const request = {
      model: this.thread.model,
      instructions: this.mode?.instructions ?? this.thread.baseInstructions ?? BASE_INSTRUCTIONS,
      input: (this.mode?.conversation ?? this.thread.history).filter(sendableToModel),
      tools: [...ALL_TOOLS, ...mcpModelTools(mcpOf(this.thread))],
      reasoningEffort: this.thread.reasoningEffort,
      reasoningSummary: this.reasoningSummary,
      promptCacheKey: this.thread.id,
      outputSchema: this.outputSchema ?? undefined,
      headers: { session_id: this.thread.id, 'x-codex-turn-id': this.turn.id },
    };
    const open = new Map<string, AgentMessageItem | ReasoningItem>();
    const tools = new ToolRuntime({ execute: (call) => this.executeToolCall(call), runsInParallel: isParallelSafe });
    let usage: Usage | null = null;
    let streamFailed = false;
    let streamError: unknown;
    try {
      for await (const event of client.stream(request, this.abort.signal)) {
        this.throwIfAborted();
        this.onModelEvent(event, open, tools);
        if (event.type === 'completed') usage = event.usage;
      }
    } catch (error) {
      streamFailed = true;
      streamError = error;
    }
    // Items of an attempt that broke off are closed with what arrived, so clients never wait on them.
    for (const item of open.values()) if (!this.mode || item.type !== 'agentMessage') this.notifyItem('completed', item);
    // Like the reference, calls already started run to their end even if the stream broke (an
    // interrupt kills them); their outputs follow the response's items, in call order.
    const drained = await tools.drain();
    if (drained.outputs.length) this.appendHistory(drained.outputs, this.turn.id);
    if (streamFailed) throw streamError;
    if (drained.error !== null) throw drained.error;
    return { usage, toolCalls: tools.count };
  }

  private async executeToolCall(call: ResponseItem): Promise<ToolOutput> {
    // A call queued behind another one does not start once the turn was interrupted.
    this.throwIfAborted();
    const output = await runToolCall(this.toolContext(), call);
    // A cancelled approval ends the turn like an interrupt: the stream and the other running calls stop too.
    if (this.cancelled && !this.abort.signal.aborted) {
      this.abort.abort();
      void this.state.execSessions.killAll();
    }
    return output;
  }

  /** Handles one stream event; a completed tool call is dispatched at once and runs while the stream goes on. */
  private onModelEvent(event: ModelEvent, open: Map<string, AgentMessageItem | ReasoningItem>, tools: ToolRuntime): void {
    switch (event.type) {
      case 'itemAdded': {
        const raw = event.item;
        const id = String(raw.id ?? uuidv7());
        if (raw.type === 'message') {
          const item: AgentMessageItem = { type: 'agentMessage', id, text: '', phase: null, moderation: null, memoryCitation: null, delivery: null, questions: null };
          open.set(id, item);
          this.notifyItem('started', item);
        } else if (raw.type === 'reasoning') {
          const item: ReasoningItem = { type: 'reasoning', id, summary: [], content: [] };
          open.set(id, item);
          this.notifyItem('started', item);
        }
        return;
      }
      case 'textDelta': {
        const item = open.get(event.itemId);
        if (item?.type === 'agentMessage') item.text += event.delta;
        // A mode's model answer is not streamed to clients (a review shows its rendered findings instead).
        if (this.mode && item?.type === 'agentMessage') return;
        this.thread.notify('item/agentMessage/delta', { threadId: this.thread.id, turnId: this.turn.id, itemId: event.itemId, delta: event.delta });
        return;
      }
      case 'reasoningPartAdded': {
        const item = open.get(event.itemId);
        if (item?.type === 'reasoning') item.summary[event.summaryIndex] ??= '';
        this.thread.notify('item/reasoning/summaryPartAdded', { threadId: this.thread.id, turnId: this.turn.id, itemId: event.itemId, summaryIndex: event.summaryIndex });
        return;
      }
      case 'reasoningDelta': {
        const item = open.get(event.itemId);
        if (item?.type === 'reasoning') item.summary[event.summaryIndex] = (item.summary[event.summaryIndex] ?? '') + event.delta;
        this.thread.notify('item/reasoning/summaryTextDelta', {
          threadId: this.thread.id,
          turnId: this.turn.id,
          itemId: event.itemId,
          delta: event.delta,
          summaryIndex: event.summaryIndex,
        });
        return;
      }
      case 'reasoningTextDelta': {
        const item = open.get(event.itemId);
        if (item?.type === 'reasoning') item.content[event.contentIndex] = (item.content[event.contentIndex] ?? '') + event.delta;
        this.thread.notify('item/reasoning/textDelta', {
          threadId: this.thread.id,
          turnId: this.turn.id,
          itemId: event.itemId,
          delta: event.delta,
          contentIndex: event.contentIndex,
        });
        return;
      }
      case 'itemDone': {
        const raw = event.item;
        const id = String(raw.id ?? '');
        if (raw.type === 'message') {
          const item = (open.get(id) as AgentMessageItem | undefined) ?? {
            type: 'agentMessage' as const, id, text: '', phase: null, moderation: null, memoryCitation: null, delivery: null, questions: null,
          };
          open.delete(id);
          item.text = outputText(raw) || item.text;
          this.lastAgentMessage = item.text;
          this.appendHistory([raw], this.turn.id);
          // A mode shows the model's answer through its own closing items instead.
          if (!this.mode) this.notifyItem('completed', item);
        } else if (raw.type === 'reasoning') {
          const item = (open.get(id) as ReasoningItem | undefined) ?? { type: 'reasoning' as const, id, summary: [], content: [] };
          open.delete(id);
          const summary = Array.isArray(raw.summary) ? (raw.summary as { text?: string }[]).map((part) => part.text ?? '') : [];
          if (summary.length) item.summary = summary;
          const content = Array.isArray(raw.content) ? (raw.content as { text?: string }[]).map((part) => part.text ?? '') : [];
          if (content.length) item.content = content;
          this.appendHistory([raw], this.turn.id);
          this.notifyItem('completed', item);
        } else if (raw.type === 'function_call' || raw.type === 'custom_tool_call') {
          this.appendHistory([raw], this.turn.id);
          tools.dispatch(raw);
        }
        return;
      }
      case 'completed':
        return;
    }
  }

  private toolContext(): ToolCallContext {
    return { runner: this, thread: this.thread, server: this.server };
  }

  /** Emits the final `error` notification and returns the TurnError for the failed turn. */
  private reportError(message: string, codexErrorInfo: unknown): TurnError {
    const error: TurnError = { message, codexErrorInfo, additionalDetails: null };
    this.thread.setStatus({ type: 'systemError' });
    this.thread.notify('error', { error, willRetry: false, threadId: this.thread.id, turnId: this.turn.id });
    return error;
  }

  private fail(error: TurnError): void {
    this.reportError(error.message, error.codexErrorInfo);
    this.finish('failed', error);
  }

  private finish(status: 'completed' | 'interrupted' | 'failed', error: TurnError | null): void {
    if (status === 'interrupted') this.appendHistory([userMessage(TURN_ABORTED_NOTE)], this.turn.id);
    this.mode?.close(status, this.lastAgentMessage);
    const turn = this.thread.completeTurn(this.turn.id, status, error);
    if (this.thread.status.type !== 'systemError') this.thread.setStatus({ type: 'idle' });
    // Like the reference, turn/completed carries a summary: the final agent message only.
    const lastMessage = [...turn.items].reverse().find((item) => item.type === 'agentMessage');
    const summary = lastMessage ? [lastMessage] : [];
    this.thread.notify('turn/completed', {
      threadId: this.thread.id,
      turn: { ...turn, items: summary, itemsView: summary.length ? 'summary' : 'notLoaded' },
    });
  }
}
