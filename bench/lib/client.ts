/**
 * A lean stdio JSON-RPC client for benchmarks: spawns our server or the
 * reference binary, timestamps every message on arrival and does nothing else
 * (no schema validation, which would cost more than some figures measured).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export type Which = 'ours' | 'reference';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const OUR_SERVER = path.join(REPO_ROOT, 'dist', 'server.js');

/**
 * The reference's native binary, spawned directly the way the VS Code
 * extension does (the npm `codex` wrapper would add a Node start to its figures).
 */
export function referenceCommand(): { command: string; env: NodeJS.ProcessEnv } {
  const packageRoot = path.join(REPO_ROOT, 'node_modules', '@openai', 'codex');
  const vendor = path.join(REPO_ROOT, 'node_modules', '@openai', `codex-${process.platform}-${process.arch}`, 'vendor');
  const triple = fs.existsSync(vendor) ? fs.readdirSync(vendor)[0] : undefined;
  const binary = triple ? path.join(vendor, triple, 'bin', 'codex') : undefined;
  if (!binary || !fs.existsSync(binary)) {
    return { command: path.join(REPO_ROOT, 'node_modules', '.bin', 'codex'), env: {} };
  }
  return { command: binary, env: { CODEX_MANAGED_PACKAGE_ROOT: packageRoot, CODEX_MANAGED_BY_NPM: '1' } };
}

export interface Notification {
  method: string;
  params: any;
  /** performance.now() at arrival. */
  at: number;
}

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class BenchClient {
  readonly notifications: Notification[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<void>;
  /** Set true to keep only counts for noisy methods (deltas), not the objects. */
  countOnly = new Set<string>();
  readonly counts = new Map<string, number>();
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly waiters: { match: (n: Notification) => boolean; resolve: (n: Notification) => void }[] = [];
  private readonly firstOf = new Map<string, Notification>();
  /** Arrival time of the latest notification of each method. */
  readonly lastAt = new Map<string, number>();
  private nextId = 1;

  private constructor(
    readonly which: Which,
    readonly child: ChildProcessWithoutNullStreams,
    readonly spawnedAt: number,
  ) {
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (this.stderr.length < 200) this.stderr.push(line);
    });
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    child.on('exit', () => {
      for (const [, p] of this.pending) p.reject(new Error(`${which} server exited: ${this.stderr.slice(-10).join('\n')}`));
      this.pending.clear();
    });
  }

  static spawn(which: Which, codexHome: string, cwd = codexHome): BenchClient {
    const baseEnv = { ...process.env, CODEX_HOME: codexHome, MOCK_KEY: 'mock-key', RUST_LOG: 'error', CODEX_LOG: 'error' };
    const spawnedAt = performance.now();
    let child: ChildProcessWithoutNullStreams;
    if (which === 'ours') {
      child = spawn(process.execPath, [OUR_SERVER], { cwd, env: baseEnv, stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcessWithoutNullStreams;
    } else {
      const reference = referenceCommand();
      child = spawn(reference.command, ['app-server'], { cwd, env: { ...baseEnv, ...reference.env }, stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcessWithoutNullStreams;
    }
    return new BenchClient(which, child, spawnedAt);
  }

  /** Spawns and completes the handshake; returns the client and the spawn → initialize response time. */
  static async start(which: Which, codexHome: string, cwd?: string): Promise<{ client: BenchClient; coldStartMs: number }> {
    const client = BenchClient.spawn(which, codexHome, cwd);
    await client.request('initialize', {
      clientInfo: { name: 'codex-vscode-bench', title: 'Bench', version: '0.0.1' },
      capabilities: { experimentalApi: true, optOutNotificationMethods: null },
    });
    const coldStartMs = performance.now() - client.spawnedAt;
    client.notify('initialized');
    return { client, coldStartMs };
  }

  request<T = any>(method: string, params?: unknown, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.which}: ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.stdin.write(JSON.stringify(params === undefined ? { id, method } : { id, method, params }) + '\n');
    });
  }

  notify(method: string, params?: unknown): void {
    this.child.stdin.write(JSON.stringify(params === undefined ? { method } : { method, params }) + '\n');
  }

  /** First notification of `method` matching, already received or future. */
  waitFor(method: string, predicate: (params: any) => boolean = () => true, timeoutMs = 120_000): Promise<Notification> {
    const match = (n: Notification) => n.method === method && predicate(n.params);
    const first = this.firstOf.get(method);
    if (first && match(first)) return Promise.resolve(first);
    const existing = this.notifications.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.which}: no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match, resolve: (n) => (clearTimeout(timer), resolve(n)) });
    });
  }

  count(method: string): number {
    return this.counts.get(method) ?? 0;
  }

  /** Forgets received notifications (between measurements). */
  reset(): void {
    this.notifications.length = 0;
    this.counts.clear();
    this.firstOf.clear();
    this.lastAt.clear();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }

  private onLine(line: string): void {
    const at = performance.now();
    let msg: any;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.method !== undefined && msg.id !== undefined) {
      // A server request (approval…): benchmarks run with approvals off; refuse anything else.
      this.child.stdin.write(JSON.stringify({ id: msg.id, error: { code: -32601, message: 'not handled by the bench client' } }) + '\n');
      return;
    }
    if (msg.method !== undefined) {
      const n: Notification = { method: msg.method, params: msg.params, at };
      this.counts.set(msg.method, (this.counts.get(msg.method) ?? 0) + 1);
      if (!this.firstOf.has(msg.method)) this.firstOf.set(msg.method, n);
      this.lastAt.set(msg.method, at);
      if (!this.countOnly.has(msg.method)) this.notifications.push(n);
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
    if (msg.error) pending.reject(new RpcError(msg.error.code, msg.error.message));
    else pending.resolve(msg.result);
  }
}

/** Resident memory of a process and its descendants (kB → bytes), from /proc. */
export function treeRssBytes(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const current = stack.pop()!;
    try {
      const status = fs.readFileSync(`/proc/${current}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // gone
    }
    stack.push(...(children.get(current) ?? []));
  }
  return total;
}
