/**
 * The typed JSON-RPC client for the app-server. It runs on any
 * `ServerTransport` (child process by default, WebSocket for remote servers),
 * performs the `initialize` handshake, routes notifications and server
 * requests, and restarts the server with exponential backoff when it dies.
 * Requests made while the server is down fail fast with a clear message: the
 * client never writes to a dead stdin.
 *
 * It does not import `vscode`, so tests drive it directly under Node.
 */
import {
  createMessageConnection,
  Emitter,
  ErrorCodes,
  ResponseError,
  type Event,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  ClientParams,
  ClientRequestMethod,
  ClientResult,
  InitializeResponse,
  NotificationArgs,
  ServerNotificationMethod,
  ServerNotifications,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResult,
} from '../../protocol';
import type { AppServerClient, ConnectionState } from '../services';
import { TransportOpenError, type ServerTransport, type TransportExit, type TransportFactory } from './transport';

export interface ClientInfo {
  name: string;
  title: string;
  version: string;
}

interface BackoffOptions {
  /** First delay after a crash (ms). */
  initialMs: number;
  /** Upper bound of the delay (ms). */
  maxMs: number;
  /** A connection that stayed up this long resets the delay (ms). */
  resetAfterMs: number;
}

interface CodexClientOptions {
  transportFactory: TransportFactory;
  clientInfo: ClientInfo;
  /** Extension log sink (the "Codex Server" output channel). */
  log?: (line: string) => void;
  backoff?: Partial<BackoffOptions>;
  /** Ask for experimental API surface (thread goals, etc.). Default true. */
  experimentalApi?: boolean;
}

interface ConnectedEvent {
  /** Result of `initialize` (userAgent, codexHome, platform…). */
  initializeResult: InitializeResponse;
  /** True when this connection replaces one that died or was restarted. */
  reconnected: boolean;
}

interface DisconnectedEvent extends TransportExit {
  /** Delay before the automatic restart, when one is scheduled. */
  restartInMs?: number;
  /** True when the exit was asked for (restart/dispose), not a crash. */
  expected: boolean;
}

/** The error every request gets while no server is connected. */
export class ServerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerUnavailableError';
  }
}

type Handler = { dispose(): void };
type NotificationHandler = (params: unknown, method: string) => void;

export class CodexClient implements AppServerClient {
  private currentState: ConnectionState = 'stopped';
  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly connectedEmitter = new Emitter<ConnectedEvent>();
  private readonly disconnectedEmitter = new Emitter<DisconnectedEvent>();
  private readonly notificationHandlers = new Map<string, Set<NotificationHandler>>();
  private readonly requestHandlers = new Map<string, (params: never) => Promise<unknown>>();
  private readonly backoff: BackoffOptions;
  private connection: MessageConnection | undefined;
  private transport: ServerTransport | undefined;
  private connectedAt = 0;
  private failures = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private starting: Promise<void> | undefined;
  private expectingExit = false;
  private everConnected = false;
  private disposed = false;
  private lastExitReason: string | undefined;
  /** Result of the last successful `initialize`. */
  initializeResult: InitializeResponse | undefined;

  readonly onDidChangeState: Event<ConnectionState> = this.stateEmitter.event;
  /** Fires after each successful handshake (first start and every restart). */
  readonly onDidConnect: Event<ConnectedEvent> = this.connectedEmitter.event;
  /** Fires when the server goes away. */
  readonly onDidDisconnect: Event<DisconnectedEvent> = this.disconnectedEmitter.event;

  constructor(private readonly options: CodexClientOptions) {
    this.backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000, ...options.backoff };
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Why the last server exited, for the chat's banner. */
  get lastExit(): string | undefined {
    return this.lastExitReason;
  }

  get transportDescription(): string | undefined {
    return this.transport?.description;
  }

  /** Starts the server (idempotent while starting or connected). */
  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new ServerUnavailableError('The Codex client was shut down.'));
    if (this.currentState === 'connected') return Promise.resolve();
    if (this.starting) return this.starting;
    this.clearRestartTimer();
    this.starting = this.connect().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  async restart(): Promise<void> {
    this.log('Restarting the Codex server.');
    this.failures = 0;
    this.clearRestartTimer();
    await this.stopTransport();
    await this.start();
  }

  /** Stops the server for good (extension deactivation). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.clearRestartTimer();
    await this.stopTransport();
    this.setState('stopped');
    this.stateEmitter.dispose();
    this.connectedEmitter.dispose();
    this.disconnectedEmitter.dispose();
  }

  /** Calls a method of the contract (`protocol/`); the server's result is trusted to follow it. */
  async request<M extends ClientRequestMethod>(method: M, params: ClientParams<M>): Promise<ClientResult<M>> {
    if (this.currentState === 'starting' && this.starting) await this.starting.catch(() => undefined);
    const connection = this.connection;
    if (this.currentState !== 'connected' || !connection || !this.transport || this.transport.isClosed) {
      throw new ServerUnavailableError(this.unavailableMessage());
    }
    try {
      return params === undefined ? await connection.sendRequest(method) : await connection.sendRequest(method, params);
    } catch (error) {
      throw toError(error, method);
    }
  }

  onNotification<M extends ServerNotificationMethod>(method: M, handler: (params: ServerNotifications[M]) => void): Handler {
    return this.addNotificationHandler(method, handler as NotificationHandler);
  }

  /**
   * Every notification, as (method, params). Servers may send methods the contract does not
   * list (the reference has more); a `switch` on `method` with a default ignores those.
   */
  onAnyNotification(handler: (...notification: NotificationArgs) => void): Handler {
    return this.addNotificationHandler('*', (params, method) => handler(...([method, params] as NotificationArgs)));
  }

  private addNotificationHandler(method: string, handler: NotificationHandler): Handler {
    let handlers = this.notificationHandlers.get(method);
    if (!handlers) this.notificationHandlers.set(method, (handlers = new Set()));
    handlers.add(handler);
    return { dispose: () => handlers!.delete(handler) };
  }

  onServerRequest<M extends ServerRequestMethod>(method: M, handler: (params: ServerRequestParams<M>) => Promise<ServerRequestResult<M>>): Handler {
    if (this.requestHandlers.has(method)) this.log(`Replacing the handler for server request ${method}.`);
    this.requestHandlers.set(method, handler);
    return {
      dispose: () => {
        if (this.requestHandlers.get(method) === handler) this.requestHandlers.delete(method);
      },
    };
  }

  private unavailableMessage(): string {
    if (this.disposed) return 'The Codex client was shut down.';
    const why = this.lastExitReason ? `The Codex server ${this.lastExitReason}` : 'The Codex server is not running';
    return this.restartTimer ? `${why}; restarting it shortly.` : `${why}.`;
  }

  private async connect(): Promise<void> {
    this.setState('starting');
    let transport: ServerTransport;
    try {
      transport = await this.options.transportFactory();
    } catch (error) {
      // Callers end the reason with their own full stop.
      const message = (error as Error).message.replace(/\.+$/, '');
      const phrase = error instanceof TransportOpenError ? error.phrase : 'could not start';
      this.handleExit(undefined, { code: null, reason: `${phrase}: ${message}` });
      throw new ServerUnavailableError(`The Codex server ${phrase}: ${message}.`);
    }
    this.transport = transport;
    this.expectingExit = false;
    this.log(`Starting ${transport.description}`);
    const connection = createMessageConnection(transport.reader, transport.writer, {
      error: (message) => this.log(message),
      warn: (message) => this.log(message),
      info: () => undefined,
      log: () => undefined,
    });
    this.connection = connection;
    connection.onError(([error]) => this.log(`Connection: ${error.message}`));
    connection.onNotification((method, params) => this.dispatchNotification(method, params));
    connection.onRequest((method, params) => this.dispatchServerRequest(method, params));
    const exitSubscription = transport.onExit((exit) => {
      exitSubscription.dispose();
      this.handleExit(transport, exit);
    });
    connection.listen();

    try {
      const initializeParams: ClientParams<'initialize'> = {
        clientInfo: this.options.clientInfo,
        capabilities: { experimentalApi: this.options.experimentalApi ?? true },
      };
      const initializeResult: ClientResult<'initialize'> = await connection.sendRequest('initialize', initializeParams);
      await connection.sendNotification('initialized');
      if (this.transport !== transport || transport.isClosed) throw new Error(this.lastExitReason ?? 'the server exited');
      this.initializeResult = initializeResult;
      this.connectedAt = Date.now();
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.setState('connected');
      this.log(`Connected to ${transport.description}${initializeResult?.userAgent ? ` — ${initializeResult.userAgent}` : ''}`);
      this.connectedEmitter.fire({ initializeResult, reconnected });
    } catch (error) {
      const message = toError(error, 'initialize').message;
      this.log(`Handshake failed: ${message}`);
      if (!transport.isClosed) {
        // A server that does not answer the handshake is useless; stop it and let the backoff retry.
        await transport.close();
      }
      throw new ServerUnavailableError(`The Codex server did not start: ${message}`);
    }
  }

  private handleExit(transport: ServerTransport | undefined, exit: TransportExit): void {
    if (transport && transport !== this.transport) return;
    const expected = this.expectingExit || this.disposed;
    this.lastExitReason = exit.reason;
    this.connection?.dispose();
    this.connection = undefined;
    this.transport = undefined;
    if (!expected) {
      const stableFor = this.connectedAt ? Date.now() - this.connectedAt : 0;
      if (stableFor >= this.backoff.resetAfterMs) this.failures = 0;
    }
    this.connectedAt = 0;
    let restartInMs: number | undefined;
    if (!expected) {
      restartInMs = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.failures);
      this.failures++;
      this.log(`The Codex server ${exit.reason}; restarting in ${restartInMs} ms.`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.start().catch((error: Error) => this.log(error.message));
      }, restartInMs);
    } else {
      this.log(`The Codex server ${exit.reason}.`);
    }
    this.setState(expected ? 'stopped' : 'disconnected');
    this.disconnectedEmitter.fire({ ...exit, restartInMs, expected });
  }

  private async stopTransport(): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    this.expectingExit = true;
    await transport.close();
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private dispatchNotification(method: string, params: unknown): void {
    for (const key of [method, '*']) {
      for (const handler of this.notificationHandlers.get(key) ?? []) {
        try {
          handler(params, method);
        } catch (error) {
          this.log(`Notification handler for ${method} failed: ${(error as Error).stack ?? error}`);
        }
      }
    }
  }

  private async dispatchServerRequest(method: string, params: unknown): Promise<unknown> {
    const handler = this.requestHandlers.get(method);
    if (!handler) {
      this.log(`No handler for server request ${method}; answering "method not found".`);
      return new ResponseError(ErrorCodes.MethodNotFound, `The VS Code extension does not handle ${method}`);
    }
    try {
      return await handler(params as never);
    } catch (error) {
      return new ResponseError(ErrorCodes.InternalError, (error as Error).message ?? String(error));
    }
  }

  private setState(state: ConnectionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }

  private log(line: string): void {
    this.options.log?.(`[client] ${line}`);
  }
}

/** A JSON-RPC error from the server, with its code and data. */
export class ServerError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

function toError(error: unknown, method: string): Error {
  if (error instanceof ResponseError) {
    if (error.code === ErrorCodes.PendingResponseRejected || error.code === ErrorCodes.MessageWriteError) {
      return new ServerUnavailableError(`The Codex server went away before answering ${method}.`);
    }
    return new ServerError(method, error.code, error.message, error.data);
  }
  return error instanceof Error ? error : new Error(String(error));
}
