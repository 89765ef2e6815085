/**
 * A pluggable connection to an app-server. The default spawns a local child
 * process (`processTransport.ts`); a remote transport (WebSocket) can supply the
 * same reader/writer pair. The client owns the JSON-RPC layer on top.
 */
import type { MessageReader, MessageWriter } from 'vscode-jsonrpc/node';

export interface TransportExit {
  /** Process exit code, or null (signal, socket close). */
  code: number | null;
  signal?: string | null;
  /** Human-readable reason shown in the chat ("exited with code 1", "connection closed"). */
  reason: string;
}

export interface ServerTransport {
  readonly reader: MessageReader;
  readonly writer: MessageWriter;
  /** Fires once, when the underlying process or socket is gone. */
  onExit(listener: (exit: TransportExit) => void): { dispose(): void };
  /** True once the process/socket is gone: nothing may be written any more. */
  readonly isClosed: boolean;
  /** Stops the process or closes the socket. Resolves once it is gone. */
  close(): Promise<void>;
  /** One-line description for logs ("node dist/server.js (pid 123)"). */
  readonly description: string;
}

/**
 * A transport that could not be opened. `phrase` completes "The Codex server …" for the user:
 * a local server "could not start", a remote one "could not be reached".
 */
export class TransportOpenError extends Error {
  constructor(
    message: string,
    readonly phrase = 'could not start',
  ) {
    super(message);
  }
}

/** Creates a fresh transport for each (re)start. */
export type TransportFactory = () => Promise<ServerTransport>;
