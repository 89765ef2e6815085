/**
 * The benchmarks' server process: our server or the reference binary, driven
 * by the shared test RpcClient (test/helpers/rpcClient.ts) over stdio, which
 * timestamps every message on arrival; schema validation is off here.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { RpcClient, stdioTransport } from '../../test/helpers/rpcClient';

export { RpcResponseError } from '../../test/helpers/rpcClient';

export type Which = 'ours' | 'reference';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const OUR_SERVER = path.join(REPO_ROOT, 'dist', 'server.js');

/**
 * The reference's native binary, spawned directly the way the VS Code
 * extension does (the npm `codex` wrapper would add a Node start to its figures).
 */
function referenceCommand(): { command: string; env: NodeJS.ProcessEnv } {
  const packageRoot = path.join(REPO_ROOT, 'node_modules', '@openai', 'codex');
  const vendor = path.join(REPO_ROOT, 'node_modules', '@openai', `codex-${process.platform}-${process.arch}`, 'vendor');
  const triple = fs.existsSync(vendor) ? fs.readdirSync(vendor)[0] : undefined;
  const binary = triple ? path.join(vendor, triple, 'bin', 'codex') : undefined;
  if (!binary || !fs.existsSync(binary)) {
    return { command: path.join(REPO_ROOT, 'node_modules', '.bin', 'codex'), env: {} };
  }
  return { command: binary, env: { CODEX_MANAGED_PACKAGE_ROOT: packageRoot, CODEX_MANAGED_BY_NPM: '1' } };
}

export class BenchClient extends RpcClient {
  readonly stderr: string[] = [];
  readonly exited: Promise<void>;

  private constructor(
    readonly which: Which,
    readonly child: ChildProcessWithoutNullStreams,
    readonly spawnedAt: number,
  ) {
    // No schema validation and no raw copies: they would cost more than some figures measured.
    super(stdioTransport(child), {
      label: which,
      validate: false,
      keepRawLines: false,
      timeoutMs: 120_000,
      // Benchmarks run with approvals off; any server request is refused.
      refuseUnhandledRequests: true,
      closedMessage: () => `${which} server exited: ${this.stderr.slice(-10).join('\n')}`,
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (this.stderr.length < 200) this.stderr.push(line);
    });
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
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

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
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
