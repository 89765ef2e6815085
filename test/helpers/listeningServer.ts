/**
 * Servers for the socket transports: spawn one with `--listen`, wait for its
 * banner, and drive it as a WebSocket (TCP or Unix socket) JSON-RPC client:
 * the shared RpcClient over a WebSocket transport.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { OUR_SERVER } from './appServerProcess';
import { makeTempDir, referenceEnv, testHome } from './tempDir';
import { REFERENCE_CODEX } from './protocolSchema';
import { openWebSocket, RpcClient, webSocketTransport } from './rpcClient';

export { openWebSocket, type HandshakeRefusal } from './rpcClient';

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

/** A JSON-RPC client over one WebSocket, validating what the server sends. */
export class WsRpcClient extends RpcClient {
  readonly closed: Promise<void>;

  constructor(readonly ws: WebSocket) {
    super(webSocketTransport(ws), { closedMessage: () => 'websocket closed' });
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  static async connect(url: string, options: Parameters<typeof openWebSocket>[1] = {}): Promise<WsRpcClient> {
    const result = await openWebSocket(url, options);
    if (!(result instanceof WebSocket)) throw new Error(`handshake refused: ${result.status} ${result.body}`);
    return new WsRpcClient(result);
  }

  close(): Promise<void> {
    this.ws.close();
    return this.closed;
  }
}
