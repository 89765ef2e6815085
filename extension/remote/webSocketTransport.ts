/**
 * A `ServerTransport` to a remote app-server over WebSocket: one JSON-RPC
 * message per text frame, without the `"jsonrpc":"2.0"` member on the wire.
 * The token (if any) goes in the `Authorization: Bearer` header of the
 * upgrade request, and only where `mayCarryToken` allows. Reconnecting is the
 * client's job: it asks the factory for a fresh transport with its backoff.
 *
 * No `vscode` import: tests drive it against a real server.
 */
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc/node';
import WebSocket from 'ws';
import { TransportOpenError, type ServerTransport, type TransportExit, type TransportFactory } from '../client/transport';
import { parseServerMessage } from '../client/jsonl';
import { mayCarryToken, parseRemoteUrl, tokenRefusalMessage } from './remotePolicy';

const REMOTE_PHRASE = 'could not be reached';

interface WebSocketTransportOptions {
  /** Bearer token for the handshake; omitted when undefined or empty. */
  token?: string;
  /** Give up on a handshake that takes longer (ms). */
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

class WebSocketMessageReader extends AbstractMessageReader implements MessageReader {
  private callback: DataCallback | undefined;

  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('close', () => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => this.onFrame(data, isBinary);
    this.ws.on('message', onMessage);
    return {
      dispose: () => {
        this.callback = undefined;
        this.ws.off('message', onMessage);
      },
    };
  }

  private onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.fireError(new Error('Ignoring a binary frame from the server; JSON-RPC travels in text frames.'));
      return;
    }
    const parsed = parseServerMessage(data.toString(), 'frame');
    if ('error' in parsed) this.fireError(parsed.error);
    else this.callback?.(parsed.message);
  }
}

class WebSocketMessageWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(private readonly ws: WebSocket) {
    super();
  }

  write(message: Message): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('The connection to the remote Codex server is closed.'));
    }
    const { jsonrpc: _omitted, ...rest } = message as Message & Record<string, unknown>;
    return new Promise((resolve, reject) => {
      this.ws.send(JSON.stringify(rest), (error) => {
        if (error) {
          this.fireError(error, message, 1);
          reject(error);
        } else {
          resolve();
        }
      });
    });
  }

  end(): void {}
}

export class WebSocketTransport implements ServerTransport {
  readonly reader: WebSocketMessageReader;
  readonly writer: WebSocketMessageWriter;
  private exitInfo: TransportExit | undefined;
  private readonly exitListeners = new Set<(exit: TransportExit) => void>();
  private readonly exited: Promise<void>;

  private constructor(
    private readonly ws: WebSocket,
    readonly description: string,
  ) {
    this.reader = new WebSocketMessageReader(ws);
    this.writer = new WebSocketMessageWriter(ws);
    this.exited = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        const why = reason.toString() || (code === 1006 ? 'connection lost' : `code ${code}`);
        this.exitInfo = { code: null, reason: `closed the connection (${why})` };
        for (const listener of [...this.exitListeners]) listener(this.exitInfo);
        this.exitListeners.clear();
        resolve();
      });
    });
    // Errors after the handshake are followed by 'close', which reports them.
    ws.on('error', () => undefined);
  }

  /** Opens the socket and completes the upgrade; rejects with a readable reason when refused or unreachable. */
  static connect(rawUrl: string, options: WebSocketTransportOptions = {}): Promise<WebSocketTransport> {
    const checked = parseRemoteUrl(rawUrl);
    if (!checked.ok) return Promise.reject(new TransportOpenError(checked.error, REMOTE_PHRASE));
    const url = checked.url;
    const headers: Record<string, string> = {};
    if (options.token) {
      if (!mayCarryToken(url)) return Promise.reject(new TransportOpenError(tokenRefusalMessage(url), REMOTE_PHRASE));
      headers.authorization = `Bearer ${options.token}`;
    }
    const description = `remote app-server ${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    // No Origin header: the server refuses browser-originated upgrades.
    const ws = new WebSocket(url, { headers, handshakeTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.removeAllListeners('unexpected-response');
        ws.removeAllListeners('error');
        resolve(new WebSocketTransport(ws, description));
      });
      ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          ws.terminate();
          const status = response.statusCode ?? 0;
          const detail = body.trim() || response.statusMessage || '';
          const hint =
            status === 401
              ? options.token
                ? ' Check the token ("Codex: Set Remote Server Token").'
                : ' The server requires a token: run "Codex: Set Remote Server Token".'
              : '';
          reject(new TransportOpenError(`${description} refused the connection: HTTP ${status}${detail ? ` ${detail}` : ''}.${hint}`, REMOTE_PHRASE));
        });
      });
      ws.once('error', (error) => reject(new TransportOpenError(`cannot reach ${description}: ${error.message}`, REMOTE_PHRASE)));
    });
  }

  get isClosed(): boolean {
    return this.exitInfo !== undefined || this.ws.readyState !== WebSocket.OPEN;
  }

  onExit(listener: (exit: TransportExit) => void): { dispose(): void } {
    if (this.exitInfo) {
      const info = this.exitInfo;
      queueMicrotask(() => listener(info));
      return { dispose: () => undefined };
    }
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  async close(): Promise<void> {
    if (this.exitInfo) return;
    this.ws.close(1000, 'client closing');
    const force = setTimeout(() => this.ws.terminate(), 3000);
    await this.exited;
    clearTimeout(force);
  }
}

/** A factory for the client: each (re)connect reads the current token and opens a new socket. */
export function webSocketTransportFactory(url: string, readToken: () => Promise<string | undefined>): TransportFactory {
  return async () => WebSocketTransport.connect(url, { token: await readToken() });
}
