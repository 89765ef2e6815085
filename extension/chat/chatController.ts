/**
 * The chat's brain: owns the open thread, turns server notifications into
 * transcript entries for the webview, answers approval requests with the
 * user's decision, and runs composer actions (prompts, slash commands,
 * pickers). It talks to VS Code only through `ChatHost`, so tests drive it
 * with a real server and no editor.
 */
import { Emitter, type Event } from 'vscode-jsonrpc/node';
import type { ChatController, PromptAttachment } from '../services';
import type { CodexClient } from '../client/codexClient';
import type { ApprovalPolicy, SandboxMode, ThreadSettingsResponse, UserInput } from '../client/protocolTypes';
import type {
  ApprovalDecision,
  ChatEntry,
  HostToWebview,
  ModelOption,
  SessionInfo,
  WebviewToHost,
} from '../../webview/protocol';
import type { ChatHost } from './chatHost';
import { ApprovalQueue } from './approvals';
import { Transcript, turnErrorNoticeId } from './transcript';

/** The part of `CodexClient` the controller uses (a remote client offers the same). */
export type ChatClient = Pick<
  CodexClient,
  'state' | 'request' | 'onNotification' | 'onServerRequest' | 'onDidChangeState' | 'onDidConnect' | 'onDidDisconnect' | 'restart' | 'lastExit'
>;

export type AttachmentProvider = () => Promise<PromptAttachment>;

/** Decisions of the legacy (v1) approval requests, by our names. */
const LEGACY_DECISIONS: Record<ApprovalDecision, string> = {
  accept: 'approved',
  acceptForSession: 'approved_for_session',
  decline: 'denied',
  cancel: 'abort',
};

export class ChatControllerImpl implements ChatController {
  private threadId: string | undefined;
  private threadTitle: string | undefined;
  private turnId: string | undefined;
  private readonly transcript: Transcript;
  private readonly threadEmitter = new Emitter<string | undefined>();
  private readonly approvals: ApprovalQueue;
  private localUserCounter = 0;
  /** The local echo of the prompt being sent; the server's copy of it is not shown twice. */
  private localUserEntryId: string | undefined;
  private view: ((message: HostToWebview) => void) | undefined;
  private viewReady = false;
  private readonly queuedForView: HostToWebview[] = [];
  private models: ModelOption[] = [];
  private model: string;
  private approvalPolicy: string;
  private sandboxMode: string;
  private ideContextProvider: AttachmentProvider | undefined;
  private readonly disposables: { dispose(): void }[] = [];
  private startingThread: Promise<string> | undefined;
  /** Failed restarts between two connections update one notice instead of piling up. */
  private outageCounter = 1;
  /** Last `thread/tokenUsage/updated` of the open thread, for /status. */
  private tokenUsage: { total?: { totalTokens?: number; inputTokens?: number; outputTokens?: number }; modelContextWindow?: number | null } | undefined;

  readonly onDidChangeThread: Event<string | undefined> = this.threadEmitter.event;

  constructor(
    private readonly client: ChatClient,
    private readonly host: ChatHost,
  ) {
    this.transcript = new Transcript((message) => this.postToView(message));
    this.approvals = new ApprovalQueue(this.transcript, (pending, latestTitle) => {
      this.host.setAttention(pending, latestTitle);
      this.postSession();
    });
    const settings = host.settings();
    this.model = settings.model;
    this.approvalPolicy = settings.approvalPolicy;
    this.sandboxMode = settings.sandboxMode;
    this.threadId = host.savedThreadId();
    this.disposables.push(
      client.onNotification('*', (params, method) => this.onNotification(method, params)),
      client.onServerRequest('item/commandExecution/requestApproval', (params) => this.onCommandApproval(params)),
      client.onServerRequest('item/fileChange/requestApproval', (params) => this.onFileChangeApproval(params)),
      client.onServerRequest('execCommandApproval', (params) => this.onLegacyApproval('command', params)),
      client.onServerRequest('applyPatchApproval', (params) => this.onLegacyApproval('fileChange', params)),
      client.onDidChangeState(() => this.postSession()),
      client.onDidConnect((event) => void this.onConnected(event.reconnected)),
      client.onDidDisconnect((event) => this.onDisconnected(event.reason, event.restartInMs, event.expected)),
    );
  }

  get currentThreadId(): string | undefined {
    return this.threadId;
  }

  get activeTurnId(): string | undefined {
    return this.turnId;
  }

  get entries(): readonly ChatEntry[] {
    return this.transcript.all;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.threadEmitter.dispose();
  }

  // ── View wiring ────────────────────────────────────────────────────────

  /** Connects a (new) webview. It receives a full snapshot once it says `ready`. */
  attachView(post: (message: HostToWebview) => void): void {
    this.view = post;
    this.viewReady = false;
  }

  detachView(): void {
    this.view = undefined;
    this.viewReady = false;
  }

  async handleWebviewMessage(message: WebviewToHost): Promise<void> {
    try {
      await this.dispatchWebviewMessage(message);
    } catch (error) {
      this.transcript.notice('error', (error as Error).message);
    }
  }

  private async dispatchWebviewMessage(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.onViewReady();
        return;
      case 'send':
        await this.sendPrompt(message.text, [], message.mentions);
        return;
      case 'slash':
        await this.runSlashCommand(message.command, message.args);
        return;
      case 'interrupt':
        await this.interrupt();
        return;
      case 'approve':
        this.approvals.answer(message.id, message.decision);
        return;
      case 'openDiff':
        await this.host.executeCommand('codex.diff.openFileDiff', message.path);
        return;
      case 'openFile':
        await this.host.openFile(message.path);
        return;
      case 'copy':
        await this.host.writeClipboard(message.text);
        return;
      case 'mentionQuery': {
        const files = await this.host.findFiles(message.query, 20);
        this.postToView({ type: 'mentionResults', query: message.query, files });
        return;
      }
      case 'setModel':
        this.model = message.model;
        this.postSession();
        return;
      case 'setApprovalPolicy':
        this.approvalPolicy = message.value;
        this.postSession();
        return;
      case 'setSandboxMode':
        this.sandboxMode = message.value;
        this.postSession();
        return;
      case 'restartServer':
        await this.client.restart();
        return;
    }
  }

  private async onViewReady(): Promise<void> {
    this.viewReady = true;
    // A fresh extension host knows the thread id but not its items: read them back.
    if (this.threadId && this.transcript.all.length === 0 && this.client.state === 'connected') {
      await this.loadThread(this.threadId, 'read').catch((error: Error) => this.host.log(`thread/read failed: ${error.message}`));
    }
    this.sendSnapshot();
    for (const message of this.queuedForView.splice(0)) this.view?.(message);
  }

  private sendSnapshot(): void {
    if (!this.view || !this.viewReady) return;
    this.view({ type: 'snapshot', entries: [...this.transcript.all], session: this.sessionInfo() });
  }

  private postToView(message: HostToWebview): void {
    if (this.view && this.viewReady) this.view(message);
  }

  private postSession(): void {
    this.postToView({ type: 'session', session: this.sessionInfo() });
    this.host.setContext('codex.turnRunning', this.turnId !== undefined);
    this.host.setContext('codex.connected', this.client.state === 'connected');
  }

  sessionInfo(): SessionInfo {
    return {
      connection: this.client.state,
      connectionMessage: this.connectionMessage(),
      threadId: this.threadId,
      threadTitle: this.threadTitle ?? this.titleFromFirstPrompt(),
      turnRunning: this.turnId !== undefined,
      model: this.model,
      approvalPolicy: this.approvalPolicy,
      sandboxMode: this.sandboxMode,
      models: this.models,
      pendingApprovals: this.approvals.pendingCount,
      remoteServer: this.remoteServer,
    };
  }

  private get remoteServer(): boolean {
    return this.host.settings().remoteServer === true;
  }

  /** An unnamed thread is called by its first prompt (as in the Threads view), not by its id. */
  private titleFromFirstPrompt(): string | undefined {
    if (!this.threadId) return undefined;
    const first = this.transcript.all.find((entry) => entry.kind === 'user');
    const line = first?.kind === 'user' ? first.text.trim().split('\n')[0].trim() : '';
    return line ? (line.length > 80 ? `${line.slice(0, 79)}…` : line) : undefined;
  }

  private connectionMessage(): string | undefined {
    switch (this.client.state) {
      case 'connected':
        return undefined;
      case 'starting':
        return 'Starting the Codex server…';
      case 'disconnected':
        return `The Codex server ${this.client.lastExit ?? 'stopped'}. ${this.remoteServer ? 'Reconnecting…' : 'Restarting…'}`;
      case 'stopped':
        return this.client.lastExit ? `The Codex server ${this.client.lastExit}.` : 'The Codex server is not running.';
    }
  }

  // ── ChatController ─────────────────────────────────────────────────────

  async reveal(preserveFocus = false): Promise<void> {
    await this.host.reveal(preserveFocus);
  }

  /** Starts over: the server thread is created with the first prompt, so no empty threads pile up. */
  async newThread(): Promise<void> {
    this.setThread(undefined, undefined);
    this.transcript.reset();
    this.sendSnapshot();
  }

  async openThread(threadId: string): Promise<void> {
    await this.loadThread(threadId, 'resume');
    this.sendSnapshot();
  }

  /** The `codex.model` / `codex.approvalPolicy` / `codex.sandboxMode` settings changed: they become the pickers' values. */
  reloadSettings(): void {
    const settings = this.host.settings();
    this.model = settings.model || this.model;
    this.approvalPolicy = settings.approvalPolicy;
    this.sandboxMode = settings.sandboxMode;
    this.postSession();
  }

  /** Lets the /ide feature supply IDE context (`extension/ide`). Returns a disposable that unregisters it. */
  setIdeContextProvider(provider: AttachmentProvider): { dispose(): void } {
    this.ideContextProvider = provider;
    return {
      dispose: () => {
        if (this.ideContextProvider === provider) this.ideContextProvider = undefined;
      },
    };
  }

  async sendPrompt(text: string, attachments: PromptAttachment[] = [], mentions: { name: string; path: string }[] = []): Promise<void> {
    if (!text.trim() && attachments.length === 0) return;
    if (this.host.settings().autoContext && this.ideContextProvider && !attachments.length) {
      attachments = [await this.ideContextProvider()];
    }
    const localId = `local-user-${++this.localUserCounter}`;
    const chips = [...attachments.map((a) => ({ label: a.label, details: a.details })), ...mentions.map((m) => ({ label: `@${m.name}`, details: m.path }))];
    this.transcript.upsert({ kind: 'user', id: localId, text, attachments: chips.length ? chips : undefined });
    this.localUserEntryId = localId;
    try {
      const threadId = await this.ensureThread();
      const fullText = [text, ...attachments.map((a) => a.text)].filter((part) => part.trim()).join('\n\n');
      const files = [...mentions, ...attachments.flatMap((a) => a.files ?? [])];
      const input: UserInput[] = [
        { type: 'text', text: fullText, text_elements: [] },
        ...files.map((file) => ({ type: 'mention' as const, name: file.name, path: file.path })),
      ];
      if (this.turnId && (await this.steer(threadId, input, this.turnId))) return;
      const { turn } = await this.client.request('turn/start', { threadId, input, ...this.turnOverrides() });
      if (this.turnId === undefined && turn.status === 'inProgress') this.setTurn(turn.id);
    } catch (error) {
      this.localUserEntryId = undefined;
      // The prompt goes back into the composer instead of staying in the transcript as if sent.
      this.transcript.remove(localId);
      this.transcript.notice('error', `Could not send the prompt: ${(error as Error).message}`);
      // Give the text back so nothing typed is lost.
      this.postToView({ type: 'restoreDraft', text });
    }
  }

  /**
   * A turn is running: the prompt steers it instead of waiting for the next one. The turn can end
   * between the user pressing Enter and the server reading the steer (its completion is still on
   * the way); the server then answers "no active turn" and the prompt starts the next turn
   * instead of being refused. Returns false in that case.
   */
  private async steer(threadId: string, input: UserInput[], turnId: string): Promise<boolean> {
    try {
      await this.client.request('turn/steer', { threadId, input, expectedTurnId: turnId });
      return true;
    } catch (error) {
      if (!/no active turn/i.test((error as Error).message)) throw error;
      if (this.turnId === turnId) this.setTurn(undefined);
      return false;
    }
  }

  async insertIntoComposer(text: string): Promise<void> {
    await this.reveal(false);
    const message: HostToWebview = { type: 'insertText', text };
    if (this.view && this.viewReady) this.view(message);
    else this.queuedForView.push(message);
  }

  async interrupt(): Promise<void> {
    if (!this.threadId || !this.turnId) return;
    await this.client.request('turn/interrupt', { threadId: this.threadId, turnId: this.turnId });
  }

  // ── Threads ────────────────────────────────────────────────────────────

  private async ensureThread(): Promise<string> {
    if (this.threadId) return this.threadId;
    if (!this.startingThread) {
      this.startingThread = this.client
        .request('thread/start', this.threadSettings())
        .then((response) => {
          this.applyThreadResponse(response);
          return response.thread.id;
        })
        .finally(() => (this.startingThread = undefined));
    }
    return this.startingThread;
  }

  private threadSettings(): { model?: string; cwd?: string; approvalPolicy?: ApprovalPolicy; sandbox?: SandboxMode } {
    const { cwd } = this.host.settings();
    return {
      ...(this.model ? { model: this.model } : {}),
      ...(cwd ? { cwd } : {}),
      ...(this.approvalPolicy ? { approvalPolicy: normalizePolicy(this.approvalPolicy) } : {}),
      ...(this.sandboxMode ? { sandbox: this.sandboxMode as SandboxMode } : {}),
    };
  }

  /** Overrides sent with each turn so picker changes apply to the running thread. */
  private turnOverrides(): Record<string, unknown> {
    const overrides: Record<string, unknown> = {};
    if (this.model) overrides.model = this.model;
    if (this.approvalPolicy) overrides.approvalPolicy = normalizePolicy(this.approvalPolicy);
    if (this.sandboxMode) overrides.sandboxPolicy = sandboxPolicyFor(this.sandboxMode);
    return overrides;
  }

  private applyThreadResponse(response: ThreadSettingsResponse): void {
    this.setThread(response.thread.id, response.thread.name ?? undefined);
    if (!this.model && response.model) this.model = response.model;
    this.postSession();
  }

  /** Opens a stored thread: `resume` attaches to it (live events), `read` only loads its items. */
  private async loadThread(threadId: string, how: 'resume' | 'read'): Promise<void> {
    if (how === 'resume') {
      const response = await this.client.request('thread/resume', { threadId, ...this.threadSettings() });
      this.transcript.reset(Transcript.entriesFromTurns(response.thread.turns ?? []));
      this.applyThreadResponse(response);
      const running = response.thread.turns?.find((turn) => turn.status === 'inProgress');
      this.setTurn(running?.id);
    } else {
      const { thread } = await this.client.request('thread/read', { threadId, includeTurns: true });
      this.transcript.reset(Transcript.entriesFromTurns(thread.turns ?? []));
      this.setThread(thread.id, thread.name ?? undefined);
    }
  }

  private setThread(threadId: string | undefined, title: string | undefined): void {
    const changed = threadId !== this.threadId;
    this.threadId = threadId;
    this.threadTitle = title;
    if (changed) {
      this.tokenUsage = undefined;
      this.setTurn(undefined);
      this.host.saveThreadId(threadId);
      this.threadEmitter.fire(threadId);
    }
    this.postSession();
  }

  private setTurn(turnId: string | undefined): void {
    this.turnId = turnId;
    this.postSession();
  }

  private async onConnected(reconnected: boolean): Promise<void> {
    this.outageCounter++;
    this.postSession();
    void this.loadModels();
    if (!this.threadId) return;
    try {
      const keep = this.transcript.all.length > 0 ? [...this.transcript.all] : undefined;
      await this.loadThread(this.threadId, 'resume');
      // A server that kept no history for the thread must not wipe what the user saw.
      if (keep && this.transcript.all.length === 0) this.transcript.reset(keep);
      if (reconnected) this.transcript.notice('info', 'Reconnected to the Codex server; the thread was resumed.');
      this.sendSnapshot();
    } catch (error) {
      this.host.log(`Could not resume thread ${this.threadId}: ${(error as Error).message}`);
      if (reconnected) this.transcript.notice('warning', `Reconnected, but the thread could not be resumed: ${(error as Error).message}`);
      else this.setThread(undefined, undefined);
    }
  }

  private onDisconnected(reason: string, restartInMs: number | undefined, expected: boolean): void {
    this.transcript.finishStreaming();
    this.setTurn(undefined);
    this.approvals.closeAll();
    if (!expected) {
      const when = restartInMs !== undefined ? ` ${this.remoteServer ? 'Reconnecting' : 'Restarting it'} in ${formatDelay(restartInMs)}.` : '';
      this.transcript.notice('error', `The Codex server ${reason}.${when}`, `server-outage-${this.outageCounter}`);
    }
    this.postSession();
  }

  private async loadModels(): Promise<void> {
    try {
      const models: ModelOption[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: any[]; nextCursor: string | null } = await this.client.request('model/list', { cursor, limit: 100 });
        for (const model of page.data) {
          if (!model.hidden) models.push({ id: model.model ?? model.id, label: model.displayName || model.model || model.id, description: model.description });
        }
        cursor = page.nextCursor;
      } while (cursor && models.length < 500);
      this.models = models;
      this.postSession();
    } catch (error) {
      this.host.log(`model/list failed: ${(error as Error).message}`);
    }
  }

  // ── Notifications ──────────────────────────────────────────────────────

  private onNotification(method: string, params: any): void {
    // Events of other threads (sub-agents, other windows) do not belong in this chat.
    if (params && typeof params.threadId === 'string' && params.threadId !== this.threadId) return;
    switch (method) {
      case 'turn/started':
        this.setTurn(params.turn?.id);
        return;
      case 'turn/completed': {
        const turn = params.turn ?? {};
        this.transcript.finishStreaming();
        // Same id as the `error` notification's notice: a failed turn shows its error once.
        if (turn.status === 'failed' && turn.error) this.transcript.notice('error', turn.error.message, turnErrorNoticeId(turn.id));
        else if (turn.status === 'interrupted') this.transcript.notice('info', 'Turn interrupted.');
        this.approvals.closeAll(turn.id);
        if (this.turnId === turn.id || !turn.id) this.setTurn(undefined);
        return;
      }
      case 'item/started':
      case 'item/completed': {
        const item = params.item;
        if (!item) return;
        if (item.type === 'userMessage' && this.localUserEntryId) {
          // Already shown from the composer (with its chips); drop the echo once.
          if (method === 'item/completed') this.localUserEntryId = undefined;
          return;
        }
        this.transcript.upsertItem(item, method === 'item/started');
        return;
      }
      case 'item/agentMessage/delta':
        this.transcript.appendText(params.itemId, params.delta ?? '');
        return;
      case 'item/reasoning/summaryTextDelta':
        this.transcript.appendSummary(params.itemId, params.summaryIndex ?? 0, params.delta ?? '');
        return;
      case 'item/reasoning/summaryPartAdded':
        this.transcript.appendSummary(params.itemId, params.summaryIndex ?? 0, '');
        return;
      case 'item/commandExecution/outputDelta':
        this.transcript.appendOutput(params.itemId, params.delta ?? '');
        return;
      case 'turn/plan/updated':
        this.transcript.setPlan(params.turnId, params.explanation ?? null, params.plan ?? []);
        return;
      case 'error':
        if (params.willRetry) this.transcript.notice('warning', `${params.error?.message ?? 'Error'} (retrying)`);
        else this.transcript.notice('error', params.error?.message ?? 'Error', params.turnId ? turnErrorNoticeId(params.turnId) : undefined);
        return;
      case 'warning':
        this.transcript.notice('warning', params.message);
        return;
      case 'configWarning':
        this.transcript.notice('warning', [params.summary, params.details].filter(Boolean).join(': '));
        return;
      case 'deprecationNotice':
        this.transcript.notice('info', params.summary);
        return;
      case 'thread/compacted':
        this.transcript.notice('info', 'Context compacted.');
        return;
      case 'thread/name/updated':
        this.threadTitle = params.threadName ?? undefined;
        this.postSession();
        return;
      case 'thread/tokenUsage/updated':
        this.tokenUsage = params.tokenUsage;
        return;
      case 'thread/goal/updated':
        if (params.goal?.objective) this.transcript.notice('info', `Goal: ${params.goal.objective}`);
        return;
    }
  }

  // ── Approvals ──────────────────────────────────────────────────────────

  private onCommandApproval(params: any): Promise<{ decision: ApprovalDecision }> {
    return this.approvals
      .ask({
        approvalKind: 'command',
        title: 'Run this command?',
        detail: params.command ?? this.describeItem(params.itemId) ?? '(command not shown by the server)',
        reason: params.reason ?? undefined,
        turnId: params.turnId,
        itemId: params.itemId,
      })
      .then((decision) => ({ decision }));
  }

  private onFileChangeApproval(params: any): Promise<{ decision: ApprovalDecision }> {
    return this.approvals
      .ask({
        approvalKind: 'fileChange',
        title: 'Apply these file changes?',
        detail: this.describeItem(params.itemId) ?? (params.grantRoot ? `Write access under ${params.grantRoot}` : '(files not shown by the server)'),
        reason: params.reason ?? undefined,
        turnId: params.turnId,
        itemId: params.itemId,
      })
      .then((decision) => ({ decision }));
  }

  private onLegacyApproval(kind: 'command' | 'fileChange', params: any): Promise<{ decision: string }> {
    const detail =
      kind === 'command'
        ? (Array.isArray(params.command) ? params.command.join(' ') : String(params.command ?? ''))
        : Object.keys(params.fileChanges ?? {}).join('\n');
    return this.approvals
      .ask({ approvalKind: kind, title: kind === 'command' ? 'Run this command?' : 'Apply these file changes?', detail, reason: params.reason ?? undefined })
      .then((decision) => ({ decision: LEGACY_DECISIONS[decision] }));
  }

  /** The command or file list of an item already in the transcript. */
  private describeItem(itemId: string | undefined): string | undefined {
    const entry = itemId ? this.transcript.get(itemId) : undefined;
    if (entry?.kind === 'command') return entry.command;
    if (entry?.kind === 'fileChange') return entry.files.map((f) => `${f.path} (+${f.added} −${f.removed})`).join('\n');
    return undefined;
  }

  // ── Slash commands ─────────────────────────────────────────────────────

  async runSlashCommand(command: string, args: string): Promise<void> {
    switch (command) {
      case 'new':
        await this.newThread();
        return;
      case 'resume':
        await this.resumeCommand(args.trim());
        return;
      case 'fork': {
        if (!this.threadId) throw new Error('There is no thread to fork yet.');
        const response = await this.client.request('thread/fork', { threadId: this.threadId, ...this.threadSettings() });
        this.transcript.reset(Transcript.entriesFromTurns(response.thread.turns ?? []));
        this.applyThreadResponse(response);
        this.transcript.notice('info', `Forked into a new thread (${response.thread.id}).`);
        this.sendSnapshot();
        return;
      }
      case 'ide': {
        if (!this.ideContextProvider) throw new Error('IDE context is not available (the /ide feature is not loaded).');
        const attachment = await this.ideContextProvider();
        await this.sendPrompt(args.trim() || 'Help me with the code I am looking at.', [attachment]);
        return;
      }
      case 'diff':
        await this.host.executeCommand('codex.openTurnDiff');
        return;
      case 'model': {
        const chosen = args.trim() || (await this.host.pickModel(this.models, this.model));
        if (chosen) {
          this.model = chosen;
          this.transcript.notice('info', `Model set to ${chosen}.`);
          this.postSession();
        }
        return;
      }
      case 'compact': {
        if (!this.threadId) throw new Error('There is no thread to compact yet.');
        await this.client.request('thread/compact/start', { threadId: this.threadId });
        this.transcript.notice('info', 'Compacting the conversation…');
        return;
      }
      case 'goal': {
        const objective = args.trim();
        if (!objective) throw new Error('Usage: /goal <objective>');
        const threadId = await this.ensureThread();
        await this.client.request('thread/goal/set', { threadId, objective, status: 'active' });
        this.transcript.notice('info', `Goal set: ${objective}`);
        return;
      }
      case 'hooks':
        await this.host.executeCommand('codex.hooks.focus');
        return;
      case 'status':
        this.transcript.notice('info', this.statusText());
        return;
      case 'clear':
        this.transcript.reset();
        this.sendSnapshot();
        return;
      default:
        throw new Error(`Unknown command /${command}. Type / to see the commands.`);
    }
  }

  private async resumeCommand(threadId: string): Promise<void> {
    if (!threadId) {
      const page: { data: any[] } = await this.client.request('thread/list', { limit: 50 });
      const picked = await this.host.pickThread(
        page.data.map((thread) => ({
          id: thread.id,
          label: thread.name || thread.preview || thread.id,
          description: thread.updatedAt ? new Date(thread.updatedAt * 1000).toLocaleString() : undefined,
        })),
      );
      if (!picked) return;
      threadId = picked;
    }
    await this.openThread(threadId);
  }

  private statusText(): string {
    const info = this.sessionInfo();
    return [
      `Server: ${info.connection}${this.client.lastExit && info.connection !== 'connected' ? ` (${this.client.lastExit})` : ''}`,
      `Thread: ${info.threadId ?? 'none yet'}${info.threadTitle ? ` — ${info.threadTitle}` : ''}`,
      `Model: ${info.model || 'default from config.toml'}`,
      `Approval policy: ${info.approvalPolicy || 'default from config.toml'}`,
      `Sandbox: ${info.sandboxMode || 'default from config.toml'}`,
      `Turn running: ${info.turnRunning ? 'yes' : 'no'}`,
      `Tokens used: ${this.tokenUsageText()}`,
    ].join('\n');
  }

  private tokenUsageText(): string {
    const total = this.tokenUsage?.total;
    if (!total?.totalTokens) return 'none yet';
    const window = this.tokenUsage?.modelContextWindow;
    const detail = `${total.inputTokens ?? 0} in, ${total.outputTokens ?? 0} out`;
    return `${total.totalTokens} (${detail})${window ? ` of a ${window}-token context window` : ''}`;
  }
}

function normalizePolicy(policy: string): ApprovalPolicy {
  // `on-failure` is deprecated in the v2 protocol; `on-request` is its successor.
  return (policy === 'on-failure' ? 'on-request' : policy) as ApprovalPolicy;
}

function sandboxPolicyFor(mode: string): unknown {
  switch (mode) {
    case 'read-only':
      return { type: 'readOnly', networkAccess: false };
    case 'workspace-write':
      return { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false };
    case 'danger-full-access':
      return { type: 'dangerFullAccess' };
    default:
      return undefined;
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
