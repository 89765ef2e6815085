/**
 * The contract between the extension's parts. `extension.ts` builds one
 * `ExtensionServices` at activation and hands it to each feature's
 * `register…(services)` function (threads view, hooks view, diff review,
 * commands, status bar…), so features depend on these interfaces, not on each
 * other's files.
 */
import type * as vscode from 'vscode';
import type {
  ClientParams,
  ClientRequestMethod,
  ClientResult,
  NotificationArgs,
  ServerNotificationMethod,
  ServerNotifications,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResult,
} from '../protocol';
import type { AccountInfo, ConnectionState } from '../webview/protocol';

export type { ConnectionState };

/** Calls one method of the contract; `AppServerClient.request` is one. */
export type Requester = <M extends ClientRequestMethod>(method: M, params: ClientParams<M>) => Promise<ClientResult<M>>;

/** The JSON-RPC client for the app-server (local child process or remote). */
export interface AppServerClient {
  readonly state: ConnectionState;
  readonly onDidChangeState: vscode.Event<ConnectionState>;
  /** Calls a method of the contract (`protocol/`); a misspelled method or wrong params fail tsc. */
  request: Requester;
  /** Subscribe to one server notification. */
  onNotification<M extends ServerNotificationMethod>(method: M, handler: (params: ServerNotifications[M]) => void): vscode.Disposable;
  /** Every server notification as (method, params) (switch on `method`; unknown methods may arrive). */
  onAnyNotification(handler: (...notification: NotificationArgs) => void): vscode.Disposable;
  /** Answer server-to-client requests (approvals…). One handler per method. */
  onServerRequest<M extends ServerRequestMethod>(method: M, handler: (params: ServerRequestParams<M>) => Promise<ServerRequestResult<M>>): vscode.Disposable;
  /** Kill and respawn (or reconnect) the server. */
  restart(): Promise<void>;
}

/** A piece of context attached to a prompt (IDE context, a file, a selection). */
export interface PromptAttachment {
  /** Short label for the chip shown in the chat. */
  label: string;
  /** Text given to the model, clearly delimited. */
  text: string;
  /** Files the attachment mentions (absolute paths), sent as mentions. */
  files?: { name: string; path: string }[];
  /** Expanded details shown when the chip is opened. */
  details?: string;
}

/** What the chat view offers to the rest of the extension. */
export interface ChatController {
  readonly currentThreadId: string | undefined;
  readonly onDidChangeThread: vscode.Event<string | undefined>;
  /** The running turn, if any. */
  readonly activeTurnId: string | undefined;
  /** Reveal the chat view (without stealing focus when preserveFocus is true). */
  reveal(preserveFocus?: boolean): Promise<void>;
  newThread(): Promise<void>;
  /** The open thread's id, starting a thread on the server first if the chat has none yet. */
  ensureThread(): Promise<string>;
  /** Resume a stored thread and show it. */
  openThread(threadId: string): Promise<void>;
  /** Send a prompt to the current thread (starting one if none). */
  sendPrompt(text: string, attachments?: PromptAttachment[]): Promise<void>;
  /** Put text into the composer without sending (for "Add File to Chat" and the like). */
  insertIntoComposer(text: string): Promise<void>;
  interrupt(): Promise<void>;
  /**
   * Hook point for the /ide feature (`extension/ide`): registers the function
   * that collects IDE context. `/ide [text]` (and `codex.autoContext`) attach its
   * result to the prompt. Dispose the result to unregister.
   */
  setIdeContextProvider(provider: () => Promise<PromptAttachment>): vscode.Disposable;
  /** Sign-in state (`extension/account`): the welcome card shows while `needsSetup`. */
  setAccount(account: AccountInfo): void;
  /** The model for the next turns (e.g. a local model just chosen). */
  useModel(model: string): void;
}

export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly client: AppServerClient;
  readonly chat: ChatController;
  /** The "Codex Server" output channel (server stderr and extension logs). */
  readonly output: vscode.OutputChannel;
}
