/**
 * What the chat controller needs from VS Code, behind an interface so the
 * controller runs (and is tested) without the `vscode` module.
 * `vscodeChatHost.ts` is the real implementation.
 */
import type { MentionCandidate } from '../../webview/protocol';

export interface ChatSettings {
  model: string;
  approvalPolicy: string;
  sandboxMode: string;
  /** Working directory for new threads (first workspace folder). */
  cwd: string | undefined;
  /** `codex.autoContext`: attach IDE context to every prompt. */
  autoContext: boolean;
  /** Connected to a remote server (`codex.remoteUrl`): it is reconnected to, not restarted. */
  remoteServer?: boolean;
}

export interface ThreadChoice {
  id: string;
  label: string;
  description?: string;
}

export interface PickItem<T extends string> {
  value: T;
  label: string;
  description?: string;
  detail?: string;
}

export interface ChatHost {
  settings(): ChatSettings;
  /** Fuzzy-searches workspace files for an `@` mention. */
  findFiles(query: string, limit: number): Promise<MentionCandidate[]>;
  executeCommand(command: string, ...args: unknown[]): Promise<unknown>;
  /** Lets the user choose among threads; resolves undefined when dismissed. */
  pickThread(choices: ThreadChoice[]): Promise<string | undefined>;
  pickModel(models: { id: string; label: string; description?: string }[], current: string): Promise<string | undefined>;
  /** Lets the user choose one item (a quick pick); resolves undefined when dismissed. */
  pickOne<T extends string>(items: PickItem<T>[], placeholder: string): Promise<T | undefined>;
  /** Lets the user choose a workspace file, searching as they type; undefined when dismissed. */
  pickFile(placeholder: string, initialQuery?: string): Promise<MentionCandidate | undefined>;
  writeClipboard(text: string): Promise<void>;
  /** A modal question with a detail line; resolves to the chosen label, undefined when cancelled. */
  ask(message: string, detail: string, choices: string[]): Promise<string | undefined>;
  openFile(path: string): Promise<void>;
  /** Shows the chat view. */
  reveal(preserveFocus: boolean): Promise<void>;
  /** Whether the chat view is currently visible to the user. */
  isViewVisible(): boolean;
  /** Attention signal while approvals wait (badge, and a notification when hidden). */
  setAttention(pendingApprovals: number, latestTitle?: string): void;
  /** Remembers the open thread across window reloads. */
  saveThreadId(threadId: string | undefined): void;
  savedThreadId(): string | undefined;
  /** Sets a VS Code context key (`codex.turnRunning`…). */
  setContext(key: string, value: unknown): void;
  log(line: string): void;
}
