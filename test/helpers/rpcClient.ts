/**
 * The one JSON-RPC client of the tests and benchmarks, over a pluggable
 * transport: a child's stdio (JSONL), a WebSocket, or a WebSocket over a Unix
 * socket. It keeps every notification (timestamped on arrival), answers
 * server requests through handlers, and, unless told not to, checks every
 * message the server sends against the reference JSON schema (`violations`).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { loadProtocolSchema, type ProtocolSchema, type Violation } from './protocolSchema';

/** How messages travel: one JSON text per message each way. */
export interface RpcTransport {
  send(text: string): void;
  onMessage(handler: (text: string) => void): void;
  /** Called once when the other end is gone. */
  onClose(handler: () => void): void;
}

export interface Notification {
  method: string;
  params: any;
  /** performance.now() at arrival. */
  at: number;
}

export interface ServerRequestMessage {
  id: number | string;
  method: string;
  params: any;
}

export class RpcResponseError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export type ServerRequestHandler = (request: ServerRequestMessage) => unknown | Promise<unknown>;

export interface RpcClientOptions {
  /** Prefixes timeouts and errors (e.g. 'ours' / 'reference'). */
  label?: string;
  /** Check what the server sends against the reference schema (default true; benchmarks turn it off). */
  validate?: boolean;
  /** Validate against the `--experimental` schema (experimental methods such as `process/*`). */
  experimentalSchema?: boolean;
  /** Keep each raw line in `rawLines` (default true). */
  keepRawLines?: boolean;
  /** Default timeout of requests and waits. */
  timeoutMs?: number;
  /** Answer server requests without a handler with -32601 instead of leaving them pending. */
  refuseUnhandledRequests?: boolean;
  /** Why pending requests fail once the transport closed (e.g. the server's last stderr lines). */
  closedMessage?: () => string;
}

/** A child process's stdin/stdout as newline-delimited JSON. */
export function stdioTransport(child: ChildProcessWithoutNullStreams): RpcTransport {
  return {
    send: (text) => {
      if (!child.stdin.destroyed) child.stdin.write(text + '\n');
    },
    onMessage: (handler) => void createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', handler),
    onClose: (handler) => void child.on('exit', () => handler()),
  };
}

/** One open WebSocket (TCP or Unix socket, see `openWebSocket`). */
export function webSocketTransport(ws: WebSocket): RpcTransport {
  return {
    send: (text) => ws.send(text),
    onMessage: (handler) => void ws.on('message', (data) => handler(String(data))),
    onClose: (handler) => void ws.once('close', () => handler()),
  };
}

export interface HandshakeRefusal {
  status: number;
  body: string;
}

/** Attempts a WebSocket upgrade (over a Unix socket with `socketPath`); resolves with the open socket or the HTTP refusal. */
export function openWebSocket(
  url: string,
  options: { token?: string; headers?: Record<string, string>; socketPath?: string } = {},
): Promise<WebSocket | HandshakeRefusal> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  // `ws+unix://PATH:/` is how the ws package spells "WebSocket over this Unix socket".
  const ws = new WebSocket(options.socketPath ? `ws+unix://${options.socketPath}:/` : url, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

export class RpcClient {
  readonly notifications: Notification[] = [];
  readonly serverRequests: ServerRequestMessage[] = [];
  readonly violations: Violation[] = [];
  /** Raw lines the server wrote, in order. */
  readonly rawLines: string[] = [];
  /** Methods whose notifications are only counted, not kept (noisy deltas in benchmarks). */
  readonly countOnly = new Set<string>();
  readonly counts = new Map<string, number>();
  /** Arrival time of the latest notification of each method. */
  readonly lastAt = new Map<string, number>();
  private readonly firstOf = new Map<string, Notification>();
  private readonly pending = new Map<number | string, { method: string; resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly waiters: { match: (n: Notification) => boolean; resolve: (n: Notification) => void }[] = [];
  private readonly handlers = new Map<string, ServerRequestHandler>();
  private readonly schema: ProtocolSchema | null;
  private readonly label: string;
  private readonly timeoutMs: number;
  private nextId = 1;

  constructor(
    private readonly transport: RpcTransport,
    private readonly options: RpcClientOptions = {},
  ) {
    this.schema = options.validate === false ? null : loadProtocolSchema(options.experimentalSchema === true);
    this.label = options.label ? `${options.label}: ` : '';
    this.timeoutMs = options.timeoutMs ?? 20_000;
    transport.onMessage((text) => this.onMessage(text));
    transport.onClose(() => {
      const reason = this.options.closedMessage?.() ?? 'connection closed';
      for (const [, p] of this.pending) p.reject(new Error(reason));
      this.pending.clear();
    });
  }

  /** The handshake: `initialize` (experimental API on unless told otherwise), then `initialized`. A string names the client (title null). */
  async initialize(nameOrOptions: string | { name?: string; title?: string | null; experimentalApi?: boolean; optOut?: string[] } = {}): Promise<any> {
    const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions, title: null } : nameOrOptions;
    const result = await this.request('initialize', {
      clientInfo: { name: options.name ?? 'codex-vscode-tests', title: options.title === undefined ? 'Tests' : options.title, version: '0.0.1' },
      capabilities: { experimentalApi: options.experimentalApi ?? true, optOutNotificationMethods: options.optOut ?? null },
    });
    this.notify('initialized');
    return result;
  }

  request<T = any>(method: string, params?: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const id = this.nextId++;
    const message = params === undefined ? { id, method } : { id, method, params };
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.sendRaw(JSON.stringify(message));
    });
  }

  notify(method: string, params?: unknown): void {
    this.sendRaw(JSON.stringify(params === undefined ? { method } : { method, params }));
  }

  sendRaw(text: string): void {
    this.transport.send(text);
  }

  /** Answers server requests of a method (approvals…). Unanswered ones stay pending unless `refuseUnhandledRequests`. */
  onServerRequest(method: string, handler: ServerRequestHandler): void {
    this.handlers.set(method, handler);
  }

  /** Resolves with the first notification (already received or future) matching. */
  waitFor(method: string, predicate: (params: any) => boolean = () => true, timeoutMs = this.timeoutMs): Promise<Notification> {
    const match = (n: Notification) => n.method === method && predicate(n.params);
    const first = this.firstOf.get(method);
    if (first && match(first)) return Promise.resolve(first);
    const existing = this.notifications.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.label}no ${method} within ${timeoutMs} ms; got ${this.notifications.map((n) => n.method).join(', ')}`));
      }, timeoutMs);
      this.waiters.push({ match, resolve: (n) => (clearTimeout(timer), resolve(n)) });
    });
  }

  /** Notification methods received so far, optionally only those matching. */
  methods(filter: (method: string) => boolean = () => true): string[] {
    return this.notifications.map((n) => n.method).filter(filter);
  }

  count(method: string): number {
    return this.counts.get(method) ?? 0;
  }

  /** Forgets received notifications, counts and arrival times (between steps or measurements). */
  clearNotifications(): void {
    this.reset();
  }

  reset(): void {
    this.notifications.length = 0;
    this.counts.clear();
    this.firstOf.clear();
    this.lastAt.clear();
  }

  private onMessage(text: string): void {
    const at = performance.now();
    if (this.options.keepRawLines !== false) this.rawLines.push(text);
    let msg: any;
    try {
      msg = JSON.parse(text);
    } catch {
      if (this.schema) this.violations.push({ kind: 'notification', method: '(unparseable)', errors: 'message is not JSON', message: text });
      return;
    }
    if (msg.method !== undefined && msg.id !== undefined) this.onServerRequestMessage(msg);
    else if (msg.method !== undefined) this.onNotification({ method: msg.method, params: msg.params, at }, msg);
    else if (msg.id !== undefined && msg.id !== null) this.onResponse(msg);
  }

  private onServerRequestMessage(msg: ServerRequestMessage): void {
    if (this.schema) this.check('serverRequest', msg.method, msg, this.schema.validateServerRequest(msg));
    this.serverRequests.push(msg);
    const handler = this.handlers.get(msg.method);
    if (handler) {
      Promise.resolve(handler(msg)).then(
        (result) => this.sendRaw(JSON.stringify({ id: msg.id, result })),
        (error: Error) => this.sendRaw(JSON.stringify({ id: msg.id, error: { code: -32603, message: error.message } })),
      );
    } else if (this.options.refuseUnhandledRequests) {
      this.sendRaw(JSON.stringify({ id: msg.id, error: { code: -32601, message: `${msg.method} is not handled by this client` } }));
    }
  }

  private onNotification(n: Notification, msg: { method: string }): void {
    if (this.schema) this.check('notification', n.method, msg, this.schema.validateNotification(msg));
    this.counts.set(n.method, (this.counts.get(n.method) ?? 0) + 1);
    if (!this.firstOf.has(n.method)) this.firstOf.set(n.method, n);
    this.lastAt.set(n.method, n.at);
    if (!this.countOnly.has(n.method)) this.notifications.push(n);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(n)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(n);
      }
    }
  }

  private onResponse(msg: { id: number | string; result?: unknown; error?: { code: number; message: string; data?: unknown } }): void {
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if (msg.error) {
      pending.reject(new RpcResponseError(msg.error.code, msg.error.message, msg.error.data));
      return;
    }
    if (this.schema) this.check('response', pending.method, msg.result, this.schema.validateResponse(pending.method, msg.result));
    pending.resolve(msg.result);
  }

  private check(kind: Violation['kind'], method: string, message: unknown, errors: string | null): void {
    if (errors) this.violations.push({ kind, method, errors, message });
  }
}
