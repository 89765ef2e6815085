/**
 * Chat webview entry: header (connection, thread, pickers), the windowed
 * transcript, and the composer. All state comes from the host (`snapshot`,
 * `upsert`, `append`, `session`); the composer draft and prompt history live in
 * the webview state so they survive the view being hidden and re-created.
 */
import './chat.css';
import { Composer, type ComposerState } from './composer';
import { ContextMeter } from './contextMeter';
import { el } from './dom';
import { APPROVAL_POLICIES, SANDBOX_MODES, type ChatEntry, type HostToWebview, type SessionInfo, type WebviewToHost } from './protocol';
import { estimateEntryHeight, renderEntry, type RenderState } from './render';
import { readElicitationForm } from './mcpCards';
import { AnswerAnnouncer } from './announcer';
import { EntryStore } from './store';
import { VirtualList } from './virtualList';
import { setupActionOf, welcomeCard } from './welcome';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** How close to the top of the transcript (px) the next older page is requested. */
const OLDER_HISTORY_MARGIN_PX = 600;

interface PersistedState {
  composer: ComposerState;
  expanded: [string, boolean][];
}

export interface ChatApp {
  store: EntryStore;
  list: VirtualList<ChatEntry>;
  composer: Composer;
  handle(message: HostToWebview): void;
}

function select(label: string, className: string, onChange: (value: string) => void): HTMLSelectElement {
  const s = el('select', `picker ${className}`);
  s.title = label;
  s.setAttribute('aria-label', label);
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

function setOptions(s: HTMLSelectElement, options: { value: string; label: string }[], current: string): void {
  const signature = JSON.stringify(options) + current;
  if (s.dataset.signature === signature) return;
  s.dataset.signature = signature;
  s.replaceChildren(
    ...options.map((option) => {
      const o = el('option', undefined, option.label);
      o.value = option.value;
      o.selected = option.value === current;
      return o;
    }),
  );
}

/** The efforts the chosen model supports (low/medium/high…, as `model/list` reports them), after "default". */
function effortOptions(session: SessionInfo): { value: string; label: string }[] {
  const model = session.model ? session.models.find((m) => m.id === session.model) : session.models.find((m) => m.isDefault);
  const efforts = model?.efforts ?? ['low', 'medium', 'high'];
  const fallback = model?.defaultEffort ? `Effort: default (${model.defaultEffort})` : 'Effort: default';
  const options = [{ value: '', label: fallback }, ...efforts.map((e) => ({ value: e, label: `Effort: ${e}` }))];
  if (session.effort && !efforts.includes(session.effort)) options.push({ value: session.effort, label: `Effort: ${session.effort}` });
  return options;
}

export function startChat(root: HTMLElement, vscode: VsCodeApi): ChatApp {
  const persisted = (vscode.getState() as PersistedState | undefined) ?? { composer: { draft: '', history: [] }, expanded: [] };
  const renderState: RenderState = { expanded: new Map(persisted.expanded) };
  const save = (composerState?: ComposerState) => {
    if (composerState) persisted.composer = composerState;
    persisted.expanded = [...renderState.expanded].slice(-500);
    vscode.setState(persisted);
  };
  const post = (message: WebviewToHost) => vscode.postMessage(message);

  // Header: connection banner, thread title, pickers.
  const header = el('header', 'chat-header');
  const banner = el('div', 'connection-banner');
  banner.hidden = true;
  banner.setAttribute('role', 'status');
  const bannerText = el('span', 'banner-text');
  const restart = el('button', 'button secondary', 'Restart server');
  restart.type = 'button';
  restart.addEventListener('click', () => post({ type: 'restartServer' }));
  banner.append(el('span', 'codicon codicon-debug-disconnect'), bannerText, restart);
  const title = el('div', 'thread-title', 'New thread');
  const pickers = el('div', 'pickers');
  const modelPicker = select('Model', 'model-picker', (value) => post({ type: 'setModel', model: value }));
  const effortPicker = select('Reasoning effort', 'effort-picker', (value) => post({ type: 'setEffort', effort: value }));
  const policyPicker = select('Approval policy', 'policy-picker', (value) => post({ type: 'setApprovalPolicy', value }));
  const sandboxPicker = select('Sandbox mode', 'sandbox-picker', (value) => post({ type: 'setSandboxMode', value }));
  pickers.append(modelPicker, effortPicker, policyPicker, sandboxPicker);
  const policyOptions = [{ value: '', label: 'Approvals: default' }, ...APPROVAL_POLICIES.map((p) => ({ value: p, label: `Approvals: ${p}` }))];
  const sandboxOptions = [{ value: '', label: 'Sandbox: default' }, ...SANDBOX_MODES.map((m) => ({ value: m, label: `Sandbox: ${m}` }))];
  // Labelled from the first frame, before the host's first session message arrives.
  setOptions(modelPicker, [{ value: '', label: 'Model: default' }], '');
  setOptions(effortPicker, [{ value: '', label: 'Effort: default' }], '');
  setOptions(policyPicker, policyOptions, '');
  setOptions(sandboxPicker, sandboxOptions, '');
  header.append(banner, title);

  const viewport = el('div', 'transcript');
  viewport.setAttribute('role', 'log');
  viewport.setAttribute('aria-label', 'Conversation');
  // Not spoken on every streamed delta: the announcer says once that an answer finished.
  viewport.setAttribute('aria-live', 'off');
  const announcer = new AnswerAnnouncer();
  const empty = el('div', 'empty-state', 'Ask Codex to build, fix or explain something. Type / for commands, @ to mention a file.');
  // Replaces the empty state while no provider or credentials are usable.
  const welcome = welcomeCard();
  welcome.hidden = true;
  let needsSetup = false;
  welcome.addEventListener('click', (event) => {
    const action = setupActionOf(event.target);
    if (action) post({ type: 'setup', action });
  });

  const store = new EntryStore();
  const list = new VirtualList<ChatEntry>(viewport, {
    key: (entry) => entry.id,
    revision: (entry) => store.revision(entry.id),
    render: (entry) => renderEntry(entry, renderState),
    estimateHeight: estimateEntryHeight,
  });
  // Sending a prompt brings the conversation back to its end, even if the user had scrolled up
  // to read: their message and the reply must be in view, not somewhere below.
  const composer = new Composer(
    (message) => {
      if (message.type === 'send') list.scrollToBottom();
      post(message);
    },
    persisted.composer,
    (state) => save(state),
  );
  const footer = el('footer', 'chat-footer');
  composer.actionsRow.prepend(pickers);
  const contextMeter = new ContextMeter();
  footer.append(composer.element, contextMeter.element);
  root.append(header, viewport, empty, welcome, footer, announcer.region);

  // One click handler for every button in the transcript.
  viewport.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
    if (!target) return;
    const { action } = target.dataset;
    const setup = setupActionOf(target);
    if (setup) post({ type: 'setup', action: setup });
    else if (action === 'approve') {
      post({ type: 'approve', id: target.dataset.id!, decision: target.dataset.decision as any });
      target.closest('.approval-actions')?.querySelectorAll('button').forEach((b) => (b.disabled = true));
    } else if (action === 'elicit') {
      const form = target.closest<HTMLFormElement>('form.elicitation');
      const elicitAction = target.dataset.elicitAction as 'accept' | 'decline';
      if (elicitAction === 'accept' && form && !form.reportValidity()) return;
      post({ type: 'elicitationAnswer', id: target.dataset.id!, action: elicitAction, content: elicitAction === 'accept' && form ? readElicitationForm(form) : undefined });
      form?.querySelectorAll('button').forEach((b) => (b.disabled = true));
    } else if (action === 'open-diff') post({ type: 'openDiff', path: target.dataset.path! });
    else if (action === 'open-file') post({ type: 'openFile', path: target.dataset.path! });
    else if (action === 'toggle-skill') {
      post({ type: 'setSkillEnabled', path: target.dataset.path!, enabled: target.dataset.enabled !== 'true' });
      (target as HTMLButtonElement).disabled = true;
    }
    else if (action === 'open-location') post({ type: 'openLocation', path: target.dataset.path!, startLine: Number(target.dataset.start), endLine: Number(target.dataset.end) });
    else if (action === 'undo-to') post({ type: 'undoTo', id: target.dataset.id! });
    else if (action === 'copy-code') {
      const code = target.closest('.code-wrapper')?.querySelector('code')?.textContent ?? '';
      post({ type: 'copy', text: code });
      target.classList.add('copied');
      setTimeout(() => target.classList.remove('copied'), 1200);
    }
  });
  // Remember folded/unfolded cards: rows are re-created when they scroll back in.
  viewport.addEventListener(
    'toggle',
    (event) => {
      const details = event.target as HTMLDetailsElement;
      const id = details.dataset?.toggleId;
      if (!id) return;
      renderState.expanded.set(id, details.open);
      list.invalidate(details.closest<HTMLElement>('[data-key]')?.dataset.key ?? id);
      save();
    },
    true,
  );

  const applySession = (session: SessionInfo) => {
    renderState.workspaceRoots = session.workspaceRoots;
    banner.hidden = session.connection === 'connected';
    bannerText.textContent = session.connectionMessage ?? session.connection;
    banner.classList.toggle('starting', session.connection === 'starting');
    restart.hidden = session.connection === 'starting';
    restart.textContent = session.remoteServer ? 'Reconnect' : 'Restart server';
    title.textContent = session.threadTitle || (session.threadId ? `Thread ${session.threadId.slice(0, 8)}…` : 'New thread');
    title.title = session.threadId ?? '';
    const models = session.models.map((m) => ({ value: m.id, label: m.label }));
    if (session.model && !models.some((m) => m.value === session.model)) models.unshift({ value: session.model, label: session.model });
    if (!session.model) models.unshift({ value: '', label: 'Model: default' });
    setOptions(modelPicker, models, session.model);
    setOptions(effortPicker, effortOptions(session), session.effort ?? '');
    needsSetup = session.account?.needsSetup === true;
    setOptions(policyPicker, policyOptions, session.approvalPolicy);
    setOptions(sandboxPicker, sandboxOptions, session.sandboxMode);
    composer.setSession(session);
    contextMeter.update(session.context);
    olderHistory = session.olderHistory;
    requestOlderIfNeeded();
    document.body.classList.toggle('turn-running', session.turnRunning);
  };

  // Long threads open at their newest page: near the top, ask for the next older one.
  let olderHistory: SessionInfo['olderHistory'];
  const requestOlderIfNeeded = () => {
    if (olderHistory !== 'available') return;
    const nearTop = viewport.scrollTop < OLDER_HISTORY_MARGIN_PX || viewport.scrollHeight <= viewport.clientHeight;
    if (!nearTop) return;
    olderHistory = 'loading';
    post({ type: 'loadOlder' });
  };
  viewport.addEventListener('scroll', requestOlderIfNeeded);

  const updateEmpty = () => {
    welcome.hidden = !needsSetup || store.entries.length > 0;
    empty.hidden = store.entries.length > 0 || !welcome.hidden;
  };

  const handle = (message: HostToWebview) => {
    switch (message.type) {
      case 'snapshot':
        // Before the entries render: file-change cards show paths relative to these.
        renderState.workspaceRoots = message.session.workspaceRoots;
        store.apply(message);
        list.setItems(store.entries);
        applySession(message.session);
        break;
      case 'prepend': {
        const change = store.apply(message);
        if (change.kind === 'prepended' && change.count) list.prepend(store.entries, change.count);
        break;
      }
      case 'upsert':
      case 'append':
      case 'remove': {
        const id = message.type === 'upsert' ? message.entry.id : message.id;
        const before = store.get(id);
        const change = store.apply(message);
        announcer.onEntryChanged(before, store.get(id));
        if (change.kind === 'entry' || change.kind === 'removed') list.invalidate(change.id);
        list.refresh(store.entries);
        break;
      }
      case 'session':
        applySession(message.session);
        break;
      case 'insertText':
        composer.insertText(message.text);
        break;
      case 'restoreDraft':
        composer.restoreDraft(message.text);
        break;
      case 'mentionResults':
        composer.showMentionResults(message.query, message.files);
        break;
      case 'addMention':
        composer.addMention(message.file);
        break;
      case 'skillResults':
        composer.showSkillResults(message.skills);
        break;
      case 'focusComposer':
        composer.focus();
        break;
    }
    updateEmpty();
  };

  window.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as HostToWebview;
    if (message && typeof message === 'object' && typeof message.type === 'string') handle(message);
  });
  post({ type: 'ready' });
  return { store, list, composer, handle };
}

const root = document.getElementById('app');
if (root && typeof acquireVsCodeApi === 'function') {
  (window as unknown as { codexChat: ChatApp }).codexChat = startChat(root, acquireVsCodeApi());
}
