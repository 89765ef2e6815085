/**
 * The prompt box: Enter sends, Shift+Enter breaks the line, ↑/↓ walk the
 * prompt history, `/` opens the command popup, `@` searches workspace files
 * (the host does the searching), `$` offers skills (skillPopup.ts). A Stop
 * button replaces Send while a turn runs.
 */
import { SLASH_COMMANDS, type MentionCandidate, type SessionInfo, type SkillCandidate, type WebviewToHost } from './protocol';
import { SkillMentions } from './skillPopup';
import { ImageTray } from './imageAttachments';

export interface ComposerState {
  draft: string;
  history: string[];
}

interface PopupItem {
  label: string;
  detail: string;
  apply(): void;
}

const HISTORY_LIMIT = 100;

export class Composer {
  readonly element: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly popup: HTMLElement;
  /** The row under the input: pickers go on its left, Stop/Send on its right. */
  readonly actionsRow: HTMLElement;
  private popupItems: PopupItem[] = [];
  private popupIndex = 0;
  private history: string[];
  /** Position while browsing history; history.length means "the draft". */
  private historyIndex: number;
  private draftBeforeHistory = '';
  private readonly mentions = new Map<string, { name: string; path: string }>();
  private mentionQuery: string | undefined;
  private mentionTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly skills = new SkillMentions();
  private running = false;
  /** Pasted, dropped or picked images waiting to be sent. */
  readonly images = new ImageTray();

  constructor(
    private readonly post: (message: WebviewToHost) => void,
    initial: ComposerState,
    private readonly onStateChange: (state: ComposerState) => void,
  ) {
    this.history = initial.history.slice(-HISTORY_LIMIT);
    this.historyIndex = this.history.length;
    this.element = document.createElement('div');
    this.element.className = 'composer';
    this.popup = document.createElement('div');
    this.popup.className = 'popup';
    this.popup.id = 'composer-popup';
    this.popup.setAttribute('role', 'listbox');
    this.popup.hidden = true;
    this.textarea = document.createElement('textarea');
    this.textarea.className = 'composer-input';
    this.textarea.rows = 2;
    // Short enough for a narrow side bar; the keys are also announced to screen readers.
    this.textarea.placeholder = 'Ask Codex… (/ commands, @ files, $ skills, ! shell)';
    this.textarea.setAttribute('aria-description', 'Enter sends, Shift+Enter starts a new line, Up and Down recall earlier prompts');
    this.textarea.setAttribute('aria-label', 'Prompt');
    // The popup is the prompt's autocomplete list: screen readers follow the highlighted row
    // while focus stays in the text box.
    this.textarea.setAttribute('role', 'combobox');
    this.textarea.setAttribute('aria-autocomplete', 'list');
    this.textarea.setAttribute('aria-controls', this.popup.id);
    this.textarea.setAttribute('aria-expanded', 'false');
    this.textarea.value = initial.draft;
    const actions = document.createElement('div');
    actions.className = 'composer-actions';
    this.actionsRow = actions;
    this.sendButton = this.makeButton('send', 'Send', 'button primary send');
    this.stopButton = this.makeButton('debug-stop', 'Stop', 'button danger stop');
    this.stopButton.hidden = true;
    actions.append(this.images.attachButton, this.stopButton, this.sendButton);
    this.element.append(this.popup, this.images.element, this.textarea, actions);
    this.images.listen(this.element);

    this.sendButton.addEventListener('click', () => this.submit());
    this.stopButton.addEventListener('click', () => this.post({ type: 'interrupt' }));
    this.textarea.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.textarea.addEventListener('input', () => this.onInput());
    // A restored draft gets its height once the composer is in the page.
    requestAnimationFrame(() => this.fitHeight());
    this.popup.addEventListener('mousedown', (event) => {
      const target = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (!target) return;
      event.preventDefault();
      this.popupItems[Number(target.dataset.index)]?.apply();
    });
  }

  private makeButton(iconName: string, label: string, className: string): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = className;
    const i = document.createElement('span');
    i.className = `codicon codicon-${iconName}`;
    const text = document.createElement('span');
    text.textContent = label;
    b.append(i, text);
    b.title = label;
    return b;
  }

  setSession(session: SessionInfo): void {
    this.running = session.turnRunning;
    this.stopButton.hidden = !session.turnRunning;
  }

  insertText(text: string): void {
    const { selectionStart, selectionEnd, value } = this.textarea;
    const before = value.slice(0, selectionStart);
    const separator = before && !before.endsWith(' ') && !before.endsWith('\n') ? ' ' : '';
    this.textarea.value = before + separator + text + value.slice(selectionEnd);
    const caret = before.length + separator.length + text.length;
    this.textarea.setSelectionRange(caret, caret);
    this.textarea.focus();
    this.fitHeight();
    this.saveState();
  }

  restoreDraft(text: string): void {
    if (!this.textarea.value.trim()) this.textarea.value = text;
    this.fitHeight();
    this.saveState();
  }

  /**
   * The box grows with the draft (up to the CSS max-height, then it scrolls) and shrinks back
   * after sending, so a multi-line prompt is visible while it is written.
   */
  private fitHeight(): void {
    const box = this.textarea;
    if (!box.isConnected) return;
    box.style.height = 'auto';
    const borders = box.offsetHeight - box.clientHeight;
    // No layout (jsdom): leave the CSS height alone.
    if (box.scrollHeight === 0) {
      box.style.height = '';
      return;
    }
    box.style.height = `${box.scrollHeight + borders}px`;
  }

  focus(): void {
    this.textarea.focus();
  }

  showMentionResults(query: string, files: MentionCandidate[]): void {
    if (query !== this.mentionQuery) return;
    this.showPopup(
      files.map((file) => ({
        label: `@${file.name}`,
        detail: file.relativePath,
        apply: () => this.applyMention(file),
      })),
      files.length ? undefined : 'No matching files',
    );
  }

  /** The host's answer to `skillQuery`: refreshes the open `$` popup. */
  showSkillResults(skills: SkillCandidate[]): void {
    this.skills.setKnown(skills);
    if (this.skills.query !== undefined) this.showSkillPopup(this.skills.query);
  }

  private showSkillPopup(query: string): void {
    const value = this.textarea.value;
    const caret = this.textarea.selectionStart;
    this.showPopup(
      this.skills.candidates(query).map((skill) => ({
        label: `$${skill.name}`,
        detail: skill.description,
        apply: () => {
          const before = this.skills.apply(value.slice(0, caret), skill);
          this.textarea.value = before + value.slice(caret);
          this.textarea.setSelectionRange(before.length, before.length);
          this.hidePopup();
          this.saveState();
        },
      })),
      this.skills.loaded ? 'No matching skills' : 'Loading skills…',
    );
  }

  /** Sends the prompt (with its images), runs `!command` in the shell, or runs a slash command. */
  submit(): void {
    const text = this.textarea.value;
    if (!text.trim() && this.images.count === 0) return;
    if (text.trim()) this.pushHistory(text);
    // Any `/word` goes to the host, which runs it or says the command is unknown.
    const slash = /^\/([\w-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
    const shell = /^!\s*([\s\S]+)$/.exec(text.trim());
    if (slash) {
      this.post({ type: 'slash', command: slash[1], args: slash[2] ?? '' });
    } else if (shell && this.images.count === 0) {
      this.post({ type: 'shell', command: shell[1] });
    } else {
      const mentions = [...this.mentions.values()].filter((m) => text.includes(`@${m.name}`));
      const skills = this.skills.usedIn(text);
      const extra = skills.length ? { skills } : {};
      if (this.images.count === 0) this.post({ type: 'send', text, mentions, ...extra });
      // A pasted image may still be read: the prompt goes once it is ready.
      else void this.images.take().then((images) => this.post({ type: 'send', text, mentions, ...extra, images }));
    }
    this.textarea.value = '';
    this.mentions.clear();
    this.skills.clear();
    this.hidePopup();
    this.fitHeight();
    this.saveState();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (!this.popup.hidden && this.popupItems.length) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.popupIndex = (this.popupIndex + step + this.popupItems.length) % this.popupItems.length;
        this.renderPopupSelection();
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        this.popupItems[this.popupIndex]?.apply();
        return;
      }
    }
    if (event.key === 'Escape' && !this.popup.hidden) {
      event.preventDefault();
      this.hidePopup();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      this.submit();
      return;
    }
    if (event.key === 'ArrowUp' && this.caretOnFirstLine() && this.history.length) {
      event.preventDefault();
      this.browseHistory(-1);
      return;
    }
    if (event.key === 'ArrowDown' && this.caretOnLastLine() && this.historyIndex < this.history.length) {
      event.preventDefault();
      this.browseHistory(1);
    }
  }

  private onInput(): void {
    this.fitHeight();
    this.saveState();
    const value = this.textarea.value;
    const caret = this.textarea.selectionStart;
    const beforeCaret = value.slice(0, caret);
    const slash = /^\/([\w-]*)$/.exec(beforeCaret);
    if (slash) {
      const prefix = slash[1].toLowerCase();
      const matches = SLASH_COMMANDS.filter((c) => c.name.startsWith(prefix));
      this.mentionQuery = undefined;
      this.showPopup(
        matches.map((c) => ({
          label: `/${c.name}${c.args ? ` ${c.args}` : ''}`,
          detail: c.description,
          apply: () => {
            this.textarea.value = `/${c.name} ` + value.slice(caret).trimStart();
            const end = c.name.length + 2;
            this.textarea.setSelectionRange(end, end);
            this.hidePopup();
            this.saveState();
            // Commands that need no argument run at once; the others wait for it.
            if (!c.args?.startsWith('<')) this.submit();
          },
        })),
      );
      return;
    }
    const mention = /(?:^|\s)@([^\s@]*)$/.exec(beforeCaret);
    if (mention) {
      const query = mention[1];
      this.mentionQuery = query;
      if (this.mentionTimer) clearTimeout(this.mentionTimer);
      this.mentionTimer = setTimeout(() => this.post({ type: 'mentionQuery', query }), 60);
      return;
    }
    const skillQuery = this.skills.match(beforeCaret);
    if (skillQuery !== undefined) {
      this.mentionQuery = undefined;
      // Ask the host once per `$` typed; what is already known shows at once.
      if (this.skills.query === undefined) this.post({ type: 'skillQuery' });
      this.skills.query = skillQuery;
      this.showSkillPopup(skillQuery);
      return;
    }
    this.skills.query = undefined;
    this.mentionQuery = undefined;
    this.hidePopup();
  }

  /** A file chosen outside the popup (/mention): `@name` goes in at the caret and is sent as a mention. */
  addMention(file: MentionCandidate): void {
    this.mentions.set(file.name, { name: file.name, path: file.path });
    this.insertText(`@${file.name} `);
  }

  private applyMention(file: MentionCandidate): void {
    const value = this.textarea.value;
    const caret = this.textarea.selectionStart;
    const beforeCaret = value.slice(0, caret).replace(/@([^\s@]*)$/, `@${file.name} `);
    this.textarea.value = beforeCaret + value.slice(caret);
    this.textarea.setSelectionRange(beforeCaret.length, beforeCaret.length);
    this.mentions.set(file.name, { name: file.name, path: file.path });
    this.mentionQuery = undefined;
    this.hidePopup();
    this.saveState();
  }

  private showPopup(items: PopupItem[], emptyText?: string): void {
    this.popupItems = items;
    this.popupIndex = 0;
    this.popup.replaceChildren();
    if (!items.length && !emptyText) {
      this.hidePopup();
      return;
    }
    items.forEach((item, index) => {
      const row = document.createElement('div');
      row.className = 'popup-item';
      row.dataset.index = String(index);
      row.id = `composer-popup-${index}`;
      row.setAttribute('role', 'option');
      const label = document.createElement('span');
      label.className = 'popup-label';
      label.textContent = item.label;
      const detail = document.createElement('span');
      detail.className = 'popup-detail';
      detail.textContent = item.detail;
      row.append(label, detail);
      this.popup.append(row);
    });
    if (!items.length && emptyText) {
      const empty = document.createElement('div');
      empty.className = 'popup-empty';
      empty.textContent = emptyText;
      this.popup.append(empty);
    }
    this.popup.hidden = false;
    this.textarea.setAttribute('aria-expanded', 'true');
    this.renderPopupSelection();
  }

  private renderPopupSelection(): void {
    Array.from(this.popup.children).forEach((child, index) => {
      const selected = index === this.popupIndex && child.classList.contains('popup-item');
      child.classList.toggle('selected', selected);
      child.setAttribute('aria-selected', String(selected));
      if (selected) {
        this.keepInPopupView(child as HTMLElement);
        this.textarea.setAttribute('aria-activedescendant', child.id);
      }
    });
    if (!this.popupItems.length) this.textarea.removeAttribute('aria-activedescendant');
  }

  /**
   * Arrowing past the popup's visible rows (it scrolls at 240 px) keeps the selection in view.
   * Only the popup scrolls: scrollIntoView could also shift the whole webview.
   */
  private keepInPopupView(row: HTMLElement): void {
    const popup = this.popup;
    if (row.offsetTop < popup.scrollTop) popup.scrollTop = row.offsetTop;
    else if (row.offsetTop + row.offsetHeight > popup.scrollTop + popup.clientHeight) popup.scrollTop = row.offsetTop + row.offsetHeight - popup.clientHeight;
  }

  private hidePopup(): void {
    this.popup.hidden = true;
    this.popupItems = [];
    this.textarea.setAttribute('aria-expanded', 'false');
    this.textarea.removeAttribute('aria-activedescendant');
  }

  get popupLabels(): string[] {
    return this.popup.hidden ? [] : this.popupItems.map((item) => item.label);
  }

  private pushHistory(text: string): void {
    if (this.history[this.history.length - 1] !== text) this.history.push(text);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    this.historyIndex = this.history.length;
  }

  private browseHistory(step: number): void {
    if (this.historyIndex === this.history.length) this.draftBeforeHistory = this.textarea.value;
    this.historyIndex = Math.max(0, Math.min(this.history.length, this.historyIndex + step));
    this.textarea.value = this.historyIndex === this.history.length ? this.draftBeforeHistory : this.history[this.historyIndex];
    const end = this.textarea.value.length;
    this.textarea.setSelectionRange(end, end);
    this.fitHeight();
  }

  private caretOnFirstLine(): boolean {
    return !this.textarea.value.slice(0, this.textarea.selectionStart).includes('\n');
  }

  private caretOnLastLine(): boolean {
    return !this.textarea.value.slice(this.textarea.selectionEnd).includes('\n');
  }

  private saveState(): void {
    this.onStateChange({ draft: this.textarea.value, history: this.history });
  }

  get isRunning(): boolean {
    return this.running;
  }
}
