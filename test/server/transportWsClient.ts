/**
 * Test helpers for the socket transports: spawn a server with `--listen`,
 * wait for its banner, and drive it as a WebSocket JSON-RPC client whose
 * every incoming message is checked against the reference schema.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { OUR_SERVER, makeTempDir, RpcResponseError } from '../helpers/appServerProcess';
import { referenceEnv, testHome } from '../helpers/tempDir';
import { loadProtocolSchema, REFERENCE_CODEX, type Violation } from '../helpers/protocolSchema';

/** Listeners started and not yet exited, stopped after the whole run if a failed test left them. */
const liveListeners = new Set<ListeningServer>();
if (typeof after === 'function') {
  after(async () => {
    for (const server of [...liveListeners]) await server.stop();
  });
}
process.on('exit', () => {
  for (const server of liveListeners) server.child.kill('SIGKILL');
});

export class ListeningServer {
  readonly stderrLines: string[] = [];
  readonly exited: Promise<number | null>;
  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly codexHome: string,
  ) {
    createInterface({ input: child.stderr }).on('line', (line) => this.stderrLines.push(line));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    liveListeners.add(this);
    child.on('exit', () => liveListeners.delete(this));
  }

  /**
   * Spawns `dist/server.js --listen <listen> …args` (or the reference `codex app-server`)
   * and resolves once it prints its listening URL.
   */
  static async start(
    listen: string,
    args: string[] = [],
    options: { codexHome?: string; env?: NodeJS.ProcessEnv; which?: 'ours' | 'reference' } = {},
  ) {
    const codexHome = options.codexHome ?? makeTempDir('codex-home-');
    const [command, prefix] = options.which === 'reference' ? [REFERENCE_CODEX, ['app-server']] : [process.execPath, [OUR_SERVER]];
    const child = spawn(command, [...prefix, '--listen', listen, ...args], {
      cwd: codexHome,
      env: { ...process.env, HOME: testHome(), CODEX_HOME: codexHome, MOCK_KEY: 'mock-key', ...(options.which === 'reference' ? referenceEnv(codexHome) : {}), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    }) as ChildProcessWithoutNullStreams;
    const server = new ListeningServer(child, codexHome);
    server.url = await server.waitForStderr(/listening on: (\S+)/).then((m) => m[1]);
    return server;
  }

  url = '';

  /** `http://IP:PORT` of a ws listener. */
  get httpBase(): string {
    return this.url.replace(/^ws:/, 'http:');
  }

  waitForStderr(pattern: RegExp, timeoutMs = 30000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (const line of this.stderrLines) {
          const match = line.match(pattern);
          if (match) return match;
        }
        return null;
      };
      const found = check();
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${this.stderrLines.join('\n')}`)), timeoutMs);
      const onLine = () => {
        const match = check();
        if (match) {
          clearTimeout(timer);
          rl.off('line', onLine);
          resolve(match);
        }
      };
      const rl = createInterface({ input: this.child.stderr });
      rl.on('line', onLine);
      this.child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`server exited:\n${this.stderrLines.join('\n')}`));
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }
}

export interface HandshakeRefusal {
  status: number;
  body: string;
}

/** Attempts an upgrade; resolves with the open socket or the HTTP refusal. */
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

/** A JSON-RPC client over one WebSocket, validating what the server sends. */
export class WsRpcClient {
  readonly notifications: { method: string; params: any }[] = [];
  readonly violations: Violation[] = [];
  private readonly schema = loadProtocolSchema();
  private readonly pending = new Map<number, { method: string; resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly waiters: { match: (n: { method: string; params: any }) => boolean; resolve: (n: any) => void }[] = [];
  private nextId = 1;
  readonly closed: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.onMessage(String(data)));
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.once('close', () => {
      for (const [, p] of this.pending) p.reject(new Error('websocket closed'));
      this.pending.clear();
    });
  }

  static async connect(url: string, options: Parameters<typeof openWebSocket>[1] = {}): Promise<WsRpcClient> {
    const result = await openWebSocket(url, options);
    if (!(result instanceof WebSocket)) throw new Error(`handshake refused: ${result.status} ${result.body}`);
    return new WsRpcClient(result);
  }

  async initialize(name = 'ws-test-client'): Promise<any> {
    const result = await this.request('initialize', {
      clientInfo: { name, title: null, version: '0.0.1' },
      capabilities: { experimentalApi: true, optOutNotificationMethods: null },
    });
    this.notify('initialized');
    return result;
  }

  request<T = any>(method: string, params?: unknown, timeoutMs = 20000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    });
  }

  notify(method: string, params?: unknown): void {
    this.ws.send(JSON.stringify(params === undefined ? { method } : { method, params }));
  }

  waitFor(method: string, predicate: (params: any) => boolean = () => true, timeoutMs = 20000): Promise<{ method: string; params: any }> {
    const match = (n: { method: string; params: any }) => n.method === method && predicate(n.params);
    const existing = this.notifications.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match, resolve: (n) => (clearTimeout(timer), resolve(n)) });
    });
  }

  close(): Promise<void> {
    this.ws.close();
    return this.closed;
  }

  private onMessage(text: string): void {
    const msg = JSON.parse(text);
    if (msg.method !== undefined && msg.id === undefined) {
      const errors = this.schema.validateNotification(msg);
      if (errors) this.violations.push({ kind: 'notification', method: msg.method, errors, message: msg });
      const n = { method: msg.method, params: msg.params };
      this.notifications.push(n);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(n)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(n);
        }
      }
      return;
    }
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if (msg.error) {
      pending.reject(new RpcResponseError(msg.error.code, msg.error.message, msg.error.data));
      return;
    }
    const errors = this.schema.validateResponse(pending.method, msg.result);
    if (errors) this.violations.push({ kind: 'response', method: pending.method, errors, message: msg.result });
    pending.resolve(msg.result);
  }
}
