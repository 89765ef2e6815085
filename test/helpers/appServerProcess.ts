/**
 * Drives an app-server process over stdio JSONL, the way a client does: our
 * `dist/server.js` or the reference `codex app-server`. The JSON-RPC side is
 * the shared RpcClient: every message the server sends is checked against the
 * reference JSON schema; tests assert `violations` is empty.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { makeTempDir, referenceEnv, testHome } from './tempDir';
import { REFERENCE_CODEX, REPO_ROOT } from './protocolSchema';
import { RpcClient, stdioTransport } from './rpcClient';

export { RpcResponseError, type Notification, type ServerRequestMessage } from './rpcClient';

export type Which = 'ours' | 'reference';

export interface SpawnOptions {
  codexHome?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** Skip schema validation (e.g. for deliberately malformed traffic). */
  validate?: boolean;
  /** Validate against the reference's `--experimental` schema. */
  experimentalSchema?: boolean;
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

export class AppServerProcess extends RpcClient {
  readonly stderrLines: string[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly which: Which,
    readonly child: ChildProcessWithoutNullStreams,
    readonly codexHome: string,
    validate: boolean,
    experimentalSchema = false,
  ) {
    super(stdioTransport(child), { label: which, validate, experimentalSchema, closedMessage: () => `${which} server exited\n${this.stderrLines.slice(-20).join('\n')}` });
    createInterface({ input: child.stderr }).on('line', (line) => this.stderrLines.push(line));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    liveServers.add(this);
    child.on('exit', () => liveServers.delete(this));
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
    return new AppServerProcess(which, child, codexHome, options.validate ?? true, options.experimentalSchema);
  }

  /** Spawns and completes the handshake. */
  static async start(which: Which, options: SpawnOptions & { experimentalApi?: boolean; optOut?: string[] } = {}): Promise<AppServerProcess> {
    const server = AppServerProcess.spawn(which, options);
    await server.initialize({ experimentalApi: options.experimentalApi ?? true, optOut: options.optOut });
    return server;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }
}
