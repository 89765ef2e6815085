/**
 * The chat's brain: owns the open thread, its turn and the composer's pickers,
 * and sends prompts. Its parts, each in its own file: server notifications
 * (notificationRouter.ts), approval requests (approvalRequests.ts), webview
 * messages (webviewMessages.ts) and slash commands (slashCommands.ts). It
 * talks to VS Code only through `ChatHost`, so tests drive it with a real
 * server and no editor.
 */
import { Emitter, type Event } from 'vscode-jsonrpc/node';
import type { ChatController, PromptAttachment } from '../services';
import type { CodexClient } from '../client/codexClient';
import type { ThreadSessionResponse, ThreadTokenUsage, UserInput } from '../../protocol';
import type { AccountInfo, ChatEntry, ComposerImage, HostToWebview, ModelOption, SessionInfo, WebviewToHost } from '../../webview/protocol';
import type { ChatHost } from './chatHost';
import { ApprovalQueue } from './approvals';
import { ElicitationQueue } from './elicitations';
import { Transcript } from './transcript';
import { connectionMessage, formatDelay } from './connectionText';
import { listModels } from './models';
import { threadStartSettings, turnOverrides, type PickerValues, type ThreadStartSettings } from './threadSettings';
import { answerApprovalRequests } from './approvalRequests';
import { routeNotification, type NotificationTarget } from './notificationRouter';
import { runSlashCommand, type SlashCommandContext } from './slashCommands';
import { listSkills, refreshSkillsList, setSkillEnabled } from './skillsView';
import { dispatchWebviewMessage, type WebviewMessageTarget } from './webviewMessages';
import { contextUsageOf } from './contextUsage';
import { ThreadPager } from './threadPager';
import { imageInputs, promptChips, type UserTurns } from './composerActions';
import { undoToEntry } from './undoToHere';
import { mentionFinder } from './mentionSearch';

/** The part of `CodexClient` the controller uses (a remote client offers the same). */
type ChatClient = Pick<
  CodexClient,
  'state' | 'request' | 'onAnyNotification' | 'onServerRequest' | 'onDidChangeState' | 'onDidConnect' | 'onDidDisconnect' | 'restart' | 'lastExit'
>;

type AttachmentProvider = () => Promise<PromptAttachment>;

export class ChatControllerImpl implements ChatController {
  private threadId: string | undefined;
  private threadTitle: string | undefined;
  private turnId: string | undefined;
  private readonly transcript: Transcript;
  private readonly threadEmitter = new Emitter<string | undefined>();
  private readonly approvals: ApprovalQueue;
  private readonly elicitations: ElicitationQueue;
  private localUserCounter = 0;
  /** The turn of each user message shown (for "Undo to here"). */
  private readonly userTurns: UserTurns = new Map();
  /** The local echo of the prompt being sent; the server's copy of it is not shown twice. */
  private localUserEntryId: string | undefined;
  private view: ((message: HostToWebview) => void) | undefined;
  private viewReady = false;
  private readonly queuedForView: HostToWebview[] = [];
  private models: ModelOption[] = [];
  private model: string;
  private effort = '';
  private account: AccountInfo | undefined;
  private approvalPolicy: string;
  private sandboxMode: string;
  private ideContextProvider: AttachmentProvider | undefined;
  private readonly disposables: { dispose(): void }[] = [];
  private startingThread: Promise<string> | undefined;
  /** Failed restarts between two connections update one notice instead of piling up. */
  private outageCounter = 1;
  /** Last `thread/tokenUsage/updated` of the open thread, for /status and the context meter. */
  private tokenUsage: ThreadTokenUsage | undefined;
  /** Pages of the open thread's older items (undefined when the transcript holds all of it). */
  private pager: ThreadPager | undefined;
  private loadingOlder = false;
  /** The chat as the notification router sees it. */
  private readonly notificationTarget: NotificationTarget;
  /** The chat as the slash commands see it. */
  private readonly slashContext: SlashCommandContext;
  /** The chat as its webview's messages see it. */
  private readonly webviewTarget: WebviewMessageTarget;

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
    this.elicitations = new ElicitationQueue(this.transcript, (pending, latestTitle) => {
      this.host.setAttention(pending + this.approvals.pendingCount, latestTitle);
      this.postSession();
    });
    const settings = host.settings();
    this.model = settings.model;
    this.approvalPolicy = settings.approvalPolicy;
    this.sandboxMode = settings.sandboxMode;
    this.threadId = host.savedThreadId();
    this.notificationTarget = {
      transcript: this.transcript,
      approvals: this.approvals,
      elicitations: this.elicitations,
      threadId: () => this.threadId,
      turnId: () => this.turnId,
      setTurn: (turnId) => this.setTurn(turnId),
      rememberUserTurn: (itemId, turnId) => this.userTurns.set(this.localUserEntryId ?? itemId, turnId),
      isLocalEcho: (completed) => {
        if (!this.localUserEntryId) return false;
        if (completed) this.localUserEntryId = undefined;
        return true;
      },
      setThreadTitle: (title) => {
        this.threadTitle = title;
        this.postSession();
      },
      setTokenUsage: (usage) => {
        this.tokenUsage = usage;
        this.postSession();
      },
      skillsChanged: () => void refreshSkillsList(this.client, this.transcript, this.host.settings().cwd).catch(() => undefined),
    };
    this.slashContext = {
      client,
      host,
      transcript: this.transcript,
      threadId: () => this.threadId,
      models: () => this.models,
      model: () => this.model,
      setModel: (model) => this.useModel(model),
      tokenUsage: () => this.tokenUsage,
      ideContextProvider: () => this.ideContextProvider,
      threadSettings: () => this.threadSettings(),
      sessionInfo: () => this.sessionInfo(),
      newThread: () => this.newThread(),
      openThread: (threadId) => this.openThread(threadId),
      ensureThread: () => this.ensureThread(),
      sendPrompt: (text, attachments) => this.sendPrompt(text, attachments),
      applyThreadResponse: (response) => this.applyThreadResponse(response),
      sendSnapshot: () => this.sendSnapshot(),
      postSession: () => this.postSession(),
      pickers: () => this.pickers(),
      setPicker: (picker, value) => this.setPicker(picker, value),
      postToView: (message) => this.postToView(message),
      forgetOlderHistory: () => (this.pager = undefined),
    };
    this.webviewTarget = {
      client,
      host,
      onViewReady: () => this.onViewReady(),
      sendPrompt: (text, attachments, mentions, skills, images) => this.sendPrompt(text, attachments, mentions, skills, images),
      listSkills: async () => (await listSkills(this.client, this.host.settings().cwd)).skills.filter((skill) => skill.enabled),
      setSkillEnabled: (skillPath, enabled) => setSkillEnabled(this.client, this.transcript, this.host.settings().cwd, skillPath, enabled),
      runShellCommand: async (command) => void (await this.client.request('thread/shellCommand', { threadId: await this.ensureThread(), command })),
      undoTo: (entryId) => undoToEntry({ ...this.undoView(), threadId: this.threadId, turnRunning: this.turnId !== undefined }, entryId),
      findMentions: mentionFinder((m, p) => client.request(m as any, p as any), host),
      runSlashCommand: (command, args) => this.runSlashCommand(command, args),
      interrupt: () => this.interrupt(),
      answerApproval: (id, decision) => this.approvals.answer(id, decision),
      answerElicitation: (id, action, content) => this.elicitations.answer(id, action, content),
      postToView: (message) => this.postToView(message),
      setPicker: (picker, value) => this.setPicker(picker, value),
      loadOlder: () => this.loadOlder(),
    };
    this.disposables.push(
      client.onAnyNotification((...notification) => routeNotification(this.notificationTarget, ...notification)),
      ...answerApprovalRequests(client, this.approvals, this.transcript),
      client.onServerRequest('mcpServer/elicitation/request', (params) => this.elicitations.ask(params)),
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
      await dispatchWebviewMessage(this.webviewTarget, message);
    } catch (error) {
      this.transcript.notice('error', (error as Error).message);
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
      connectionMessage: connectionMessage(this.client.state, this.client.lastExit, this.remoteServer),
      threadId: this.threadId,
      threadTitle: this.threadTitle ?? this.titleFromFirstPrompt(),
      turnRunning: this.turnId !== undefined,
      model: this.model,
      effort: this.effort,
      approvalPolicy: this.approvalPolicy,
      sandboxMode: this.sandboxMode,
      models: this.models,
      pendingApprovals: this.approvals.pendingCount,
      remoteServer: this.remoteServer,
      context: contextUsageOf(this.tokenUsage),
      olderHistory: this.pager?.hasOlder ? (this.loadingOlder ? 'loading' : 'available') : undefined,
      workspaceRoots: this.host.settings().cwd ? [this.host.settings().cwd!] : [],
      account: this.account,
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

  /** Sign-in state from `extension/account`: shows or hides the welcome card; the provider may have changed, so models are listed again. */
  setAccount(account: AccountInfo): void {
    this.account = account;
    this.postSession();
    if (this.client.state === 'connected') void this.loadModels();
  }

  /** Picks the model for the next turns; an effort the new model does not offer goes back to its default. */
  useModel(model: string): void {
    this.model = model;
    const efforts = this.models.find((m) => m.id === model)?.efforts;
    if (this.effort && efforts && !efforts.includes(this.effort)) this.effort = '';
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

  private setPicker(picker: keyof PickerValues, value: string): void {
    if (picker === 'model') return this.useModel(value);
    this[picker] = value;
    this.postSession();
  }

  async sendPrompt(text: string, attachments: PromptAttachment[] = [], mentions: { name: string; path: string }[] = [], skills: { name: string; path: string }[] = [], images: ComposerImage[] = []): Promise<void> {
    if (!text.trim() && attachments.length === 0 && images.length === 0) return;
    if (this.host.settings().autoContext && this.ideContextProvider && !attachments.length) {
      attachments = [await this.ideContextProvider()];
    }
    const localId = `local-user-${++this.localUserCounter}`;
    const chips = promptChips(attachments, mentions, images, skills);
    this.transcript.upsert({ kind: 'user', id: localId, text, attachments: chips.length ? chips : undefined });
    this.localUserEntryId = localId;
    try {
      const threadId = await this.ensureThread();
      const fullText = [text, ...attachments.map((a) => a.text)].filter((part) => part.trim()).join('\n\n');
      const files = [...mentions, ...attachments.flatMap((a) => a.files ?? [])];
      const input: UserInput[] = [
        { type: 'text', text: fullText, text_elements: [] },
        ...files.map((file) => ({ type: 'mention' as const, name: file.name, path: file.path })),
        ...skills.map((skill) => ({ type: 'skill' as const, name: skill.name, path: skill.path })),
        ...imageInputs(images),
      ];
      if (this.turnId && (await this.steer(threadId, input, this.turnId))) return;
      const { turn } = await this.client.request('turn/start', { threadId, input, ...turnOverrides(this.pickers()) });
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

  /** Runs a slash command typed in the composer (see ./slashCommands.ts). */
  async runSlashCommand(command: string, args: string): Promise<void> {
    await runSlashCommand(this.slashContext, command, args);
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

  async ensureThread(): Promise<string> {
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

  private threadSettings(): ThreadStartSettings {
    return threadStartSettings(this.pickers(), this.host.settings().cwd);
  }

  /** The composer's pickers: model, approval policy and sandbox mode ('' = config.toml's). */
  private pickers(): PickerValues {
    return { model: this.model, effort: this.effort, approvalPolicy: this.approvalPolicy, sandboxMode: this.sandboxMode };
  }

  private applyThreadResponse(response: ThreadSessionResponse): void {
    this.setThread(response.thread.id, response.thread.name ?? undefined);
    if (!this.model && response.model) this.model = response.model;
    this.postSession();
  }

  private undoView() {
    const reload = (threadId: string) => this.loadThread(threadId, 'read');
    return { client: this.client, host: this.host, transcript: this.transcript, turnOf: (id: string) => this.userTurns.get(id), reload, postToView: (m: HostToWebview) => this.postToView(m) };
  }

  /**
   * Opens a stored thread: `resume` attaches to it (live events), `read` only loads its items.
   * Either way only the newest page of items is loaded (ThreadPager); older pages follow on scroll-up.
   */
  private async loadThread(threadId: string, how: 'resume' | 'read'): Promise<void> {
    if (how === 'resume') {
      // Without its turns: a long thread would arrive whole. The newest page follows below.
      const response = await this.client.request('thread/resume', { threadId, ...this.threadSettings(), excludeTurns: true });
      this.transcript.reset();
      this.applyThreadResponse(response);
      // The thread remembers its reasoning effort (sent with each turn/start).
      this.effort = response.reasoningEffort ?? '';
    } else {
      const { thread } = await this.client.request('thread/read', { threadId, includeTurns: false });
      this.transcript.reset();
      this.setThread(thread.id, thread.name ?? undefined);
    }
    const pager = new ThreadPager(this.client, threadId);
    this.pager = pager;
    const entries = await pager.latest();
    if (this.pager !== pager) return;
    // Items that streamed in while the page was on its way stay after it.
    const shown = new Set(entries.map((entry) => entry.id));
    this.transcript.reset([...entries, ...this.transcript.all.filter((entry) => !shown.has(entry.id))]);
    if (how === 'resume') this.setTurn(pager.runningTurnId ?? this.turnId);
    this.postSession();
  }

  /** The user scrolled up to the oldest loaded item: the next older page goes above it. */
  private async loadOlder(): Promise<void> {
    const pager = this.pager;
    if (!pager?.hasOlder || this.loadingOlder) return;
    this.loadingOlder = true;
    this.postSession();
    try {
      const entries = await pager.older();
      if (this.pager === pager) this.transcript.prepend(entries);
    } finally {
      this.loadingOlder = false;
      this.postSession();
    }
  }

  private setThread(threadId: string | undefined, title: string | undefined): void {
    const changed = threadId !== this.threadId;
    this.threadId = threadId;
    this.threadTitle = title;
    if (changed) {
      this.tokenUsage = undefined;
      this.pager = undefined;
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
    this.elicitations.closeAll();
    if (!expected) {
      const when = restartInMs !== undefined ? ` ${this.remoteServer ? 'Reconnecting' : 'Restarting it'} in ${formatDelay(restartInMs)}.` : '';
      this.transcript.notice('error', `The Codex server ${reason}.${when}`, `server-outage-${this.outageCounter}`);
    }
    this.postSession();
  }

  private async loadModels(): Promise<void> {
    try {
      this.models = await listModels(this.client);
      this.postSession();
    } catch (error) {
      this.host.log(`model/list failed: ${(error as Error).message}`);
    }
  }

}
