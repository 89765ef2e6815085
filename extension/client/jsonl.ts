/**
 * JSONL (newline-delimited JSON) framing for vscode-jsonrpc. The app-server
 * writes one JSON-RPC message per line and leaves out the `"jsonrpc":"2.0"`
 * member, so the reader adds it back (vscode-jsonrpc's type guards ignore it,
 * but its logging and tracing expect it) and the writer omits it.
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

/** The two ends of a byte stream a JSONL reader/writer needs (Node streams fit). */
interface ReadableLike {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: string, listener: (...args: any[]) => void): unknown;
}

interface WritableLike {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
}

/** Splits a byte stream into lines and parses each as one message. */
export class JsonlMessageReader extends AbstractMessageReader implements MessageReader {
  private buffer = '';
  private readonly decoder = new TextDecoder('utf-8');
  private callback: DataCallback | undefined;
  private closed = false;

  constructor(private readonly readable: ReadableLike) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer | string) => this.onData(chunk);
    const onEnd = () => this.onEnd();
    const onError = (error: Error) => this.fireError(error);
    this.readable.on('data', onData);
    this.readable.on('end', onEnd);
    this.readable.on('close', onEnd);
    this.readable.on('error', onError);
    return {
      dispose: () => {
        this.callback = undefined;
        this.readable.off?.('data', onData);
        this.readable.off?.('end', onEnd);
        this.readable.off?.('close', onEnd);
        this.readable.off?.('error', onError);
      },
    };
  }

  private onData(chunk: Buffer | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      this.emitLine(line);
    }
  }

  private onEnd(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.buffer.trim()) this.emitLine(this.buffer);
    this.buffer = '';
    this.fireClose();
  }

  private emitLine(rawLine: string): void {
    const line = rawLine.trim();
    if (!line) return;
    const parsed = parseServerMessage(line, 'line');
    if ('error' in parsed) this.fireError(parsed.error);
    else this.callback?.(parsed.message);
  }
}

/** Writes each message as one JSON line, without the `jsonrpc` member. Refuses to write to a closed stream. */
export class JsonlMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;
  private ended = false;

  constructor(private readonly writable: WritableLike) {
    super();
  }

  /** Marks the stream dead (process exited, socket closed); later writes fail fast. */
  markClosed(): void {
    this.ended = true;
  }

  get isClosed(): boolean {
    return this.ended || !!this.writable.destroyed || !!this.writable.writableEnded;
  }

  write(message: Message): Promise<void> {
    if (this.isClosed) {
      const error = new Error('The Codex server is not running (its input is closed).');
      return Promise.reject(error);
    }
    const { jsonrpc: _ignored, ...rest } = message as Message & Record<string, unknown>;
    const line = JSON.stringify(rest) + '\n';
    return new Promise((resolve, reject) => {
      try {
        this.writable.write(line, (error) => {
          if (error) {
            this.errorCount++;
            this.fireError(error, message, this.errorCount);
            reject(error);
          } else {
            this.errorCount = 0;
            resolve();
          }
        });
      } catch (error) {
        this.errorCount++;
        this.fireError(error, message, this.errorCount);
        reject(error);
      }
    });
  }

  end(): void {
    this.ended = true;
  }
}

/**
 * Parses one server message (a JSONL line or a WebSocket text frame). The
 * app-server omits `"jsonrpc":"2.0"`; vscode-jsonrpc needs it, so it is added.
 * Junk (a panic message, a debug print) becomes an error to log, never a
 * dropped connection.
 */
export function parseServerMessage(text: string, unit: 'line' | 'frame'): { message: Message } | { error: Error } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: new Error(`Ignoring a server ${unit} that is not JSON: ${text.slice(0, 200)} (${(error as Error).message})`) };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { error: new Error(`Ignoring a server ${unit} that is not a JSON-RPC message: ${text.slice(0, 200)}`) };
  }
  const message = parsed as Record<string, unknown>;
  if (message.jsonrpc === undefined) message.jsonrpc = '2.0';
  return { message: message as unknown as Message };
}
