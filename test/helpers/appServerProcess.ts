/**
 * Drives an app-server process over stdio JSONL, the way a client does: our
 * `dist/server.js` or the reference `codex app-server`. Every message the
 * server sends is checked against the reference JSON schema; tests assert
 * `violations` is empty.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { makeTempDir, referenceEnv, testHome } from './tempDir';
import { loadProtocolSchema, REFERENCE_CODEX, REPO_ROOT, type Violation, type ProtocolSchema } from './protocolSchema';

export type Which = 'ours' | 'reference';

export interface Notification {
  method: string;
  params: any;
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

type ServerRequestHandler = (request: ServerRequestMessage) => unknown | Promise<unknown>;

export interface SpawnOptions {
  codexHome?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** Skip schema validation (e.g. for deliberately malformed traffic). */
  validate?: boolean;
  /** A command line to run the server under (e.g. bwrap giving it a private /tmp). */
  wrapper?: string[];
}

export const OUR_SERVER = path.join(REPO_ROOT, 'dist', 'server.js');

export { makeTempDir };

/** Servers started and not yet exited, stopped after the whole run if a failed test left them. */
const liveServers = new Set<AppServerProcess>();

// Root-level hook when loaded by mocha: no leftover server processes, and mocha can exit.
if (typeof after === 'function') {
  after(async () => {
    for (const server of [...liveServers]) await server.stop();
  });
}
process.on('exit', () => {
  for (const server of liveServers) server.child.kill('SIGKILL');
});

export class AppServerProcess {
  readonly notifications: Notification[] = [];
  readonly serverRequests: ServerRequestMessage[] = [];
  readonly violations: Violation[] = [];
  readonly stderrLines: string[] = [];
  /** Raw lines the server wrote, in order. */
  readonly rawLines: string[] = [];
  private readonly pending = new Map<number | string, { method: string; resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly waiters: { predicate: (n: Notification) => boolean; resolve: (n: Notification) => void }[] = [];
  private readonly handlers = new Map<string, ServerRequestHandler>();
  private nextId = 1;
  private schema: ProtocolSchema;
  readonly exited: Promise<number | null>;

  private constructor(
    readonly which: Which,
    readonly child: ChildProcessWithoutNullStreams,
    readonly codexHome: string,
    private readonly validate: boolean,
  ) {
    this.schema = loadProtocolSchema();
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    createInterface({ input: child.stderr }).on('line', (line) => this.stderrLines.push(line));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    liveServers.add(this);
    child.on('exit', () => {
      liveServers.delete(this);
      for (const [, p] of this.pending) p.reject(new Error(`${which} server exited\n${this.stderrLines.slice(-20).join('\n')}`));
      this.pending.clear();
    });
  }

  static spawn(which: Which, options: SpawnOptions = {}): AppServerProcess {
    const codexHome = options.codexHome ?? makeTempDir('codex-home-');
    const [server, serverArgs] =
      which === 'ours' ? [process.execPath, [OUR_SERVER, ...(options.args ?? [])]] : [REFERENCE_CODEX, ['app-server', ...(options.args ?? [])]];
    const [command, ...args] = [...(options.wrapper ?? []), server, ...serverArgs];
    const child = spawn(command, args, {
      cwd: options.cwd ?? codexHome,
      env: {
        ...process.env,
        HOME: testHome(),
        CODEX_HOME: codexHome,
        MOCK_KEY: 'mock-key',
        RUST_LOG: 'warn',
        ...(which === 'reference' ? referenceEnv(codexHome) : {}),
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    }) as ChildProcessWithoutNullStreams;
    return new AppServerProcess(which, child, codexHome, options.validate ?? true);
  }

  /** Spawns and completes the handshake. */
  static async start(which: Which, options: SpawnOptions & { experimentalApi?: boolean; optOut?: string[] } = {}): Promise<AppServerProcess> {
    const server = AppServerProcess.spawn(which, options);
    await server.initialize({ experimentalApi: options.experimentalApi ?? true, optOut: options.optOut });
    return server;
  }

  async initialize(options: { experimentalApi?: boolean; optOut?: string[] } = {}): Promise<any> {
    const result = await this.request('initialize', {
      clientInfo: { name: 'codex-vscode-tests', title: 'Tests', version: '0.0.1' },
      capabilities: { experimentalApi: options.experimentalApi ?? true, optOutNotificationMethods: options.optOut ?? null },
    });
    this.notify('initialized');
    return result;
  }

  request<T = any>(method: string, params?: unknown, timeoutMs = 20000): Promise<T> {
    const id = this.nextId++;
    const message = params === undefined ? { id, method } : { id, method, params };
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.which}: ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.sendRaw(JSON.stringify(message));
    });
  }

  notify(method: string, params?: unknown): void {
    this.sendRaw(JSON.stringify(params === undefined ? { method } : { method, params }));
  }

  sendRaw(line: string): void {
    if (!this.child.stdin.destroyed) this.child.stdin.write(line + '\n');
  }

  /** Answers server requests of a method (approvals…). Unanswered ones stay pending. */
  onServerRequest(method: string, handler: ServerRequestHandler): void {
    this.handlers.set(method, handler);
  }

  /** Resolves with the first notification (already received or future) matching. */
  waitFor(method: string, predicate: (params: any) => boolean = () => true, timeoutMs = 20000): Promise<Notification> {
    const match = (n: Notification) => n.method === method && predicate(n.params);
    const existing = this.notifications.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.which}: no ${method} within ${timeoutMs} ms; got ${this.notifications.map((n) => n.method).join(', ')}`));
      }, timeoutMs);
      this.waiters.push({
        predicate: match,
        resolve: (n) => {
          clearTimeout(timer);
          resolve(n);
        },
      });
    });
  }

  /** Notification methods received so far, optionally only those matching. */
  methods(filter: (method: string) => boolean = () => true): string[] {
    return this.notifications.map((n) => n.method).filter(filter);
  }

  clearNotifications(): void {
    this.notifications.length = 0;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }

  private onLine(line: string): void {
    this.rawLines.push(line);
    let msg: any;
    try {
      msg = JSON.parse(line);
    } catch {
      this.violations.push({ kind: 'notification', method: '(unparseable)', errors: 'stdout line is not JSON', message: line });
      return;
    }
    if (msg.method !== undefined && msg.id !== undefined) {
      this.check('serverRequest', msg.method, msg, this.schema.validateServerRequest(msg));
      this.serverRequests.push(msg);
      const handler = this.handlers.get(msg.method);
      if (handler) {
        Promise.resolve(handler(msg)).then(
          (result) => this.sendRaw(JSON.stringify({ id: msg.id, result })),
          (error: Error) => this.sendRaw(JSON.stringify({ id: msg.id, error: { code: -32603, message: error.message } })),
        );
      }
    } else if (msg.method !== undefined) {
      this.check('notification', msg.method, msg, this.schema.validateNotification(msg));
      const n = { method: msg.method, params: msg.params };
      this.notifications.push(n);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(n)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(n);
        }
      }
    } else if (msg.id !== undefined && msg.id !== null) {
      const pending = this.pending.get(msg.id);
      if (!pending) return;
      this.pending.delete(msg.id);
      if (msg.error) pending.reject(new RpcResponseError(msg.error.code, msg.error.message, msg.error.data));
      else {
        this.check('response', pending.method, msg.result, this.schema.validateResponse(pending.method, msg.result));
        pending.resolve(msg.result);
      }
    }
  }

  private check(kind: Violation['kind'], method: string, message: unknown, errors: string | null): void {
    if (errors && this.validate) this.violations.push({ kind, method, errors, message });
  }
}
