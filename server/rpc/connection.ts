import { ErrorCode, RpcError, invalidRequest } from './errors';
import { log } from '../log';

type RequestId = string | number;

export interface IncomingRequest {
  id: RequestId;
  method: string;
  params: unknown;
}

interface RequestHandler {
  onRequest(request: IncomingRequest): Promise<unknown>;
  onNotification(method: string, params: unknown): void;
}

/** Per-connection bounds; a request beyond them is refused with ServerOverloaded. */
export interface ConnectionLimits {
  /** Client requests being handled at once (received, not yet answered). */
  maxInFlightRequests: number;
}

const UNBOUNDED: ConnectionLimits = { maxInFlightRequests: Infinity };

/** Requests one client may have in flight on any transport (stdio, WebSocket, Unix socket). */
export const MAX_IN_FLIGHT_REQUESTS_PER_CLIENT = 128;

/** The deepest nesting a message may have (serde_json, behind the reference, stops at 128 too). */
const MAX_MESSAGE_DEPTH = 128;

/** Nesting depth of a parsed JSON value, counted without recursion (a deep value would overflow the stack). */
function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** A server-to-client request on its way: its wire id and the client's eventual result. */
export interface SentRequest {
  id: RequestId;
  result: Promise<unknown>;
}

interface PendingServerRequest {
  resolve(result: unknown): void;
  reject(error: RpcError): void;
}

/**
 * One JSON-RPC peer over a message-oriented transport (NDJSON lines on stdio, or
 * WebSocket text frames). The `"jsonrpc":"2.0"` member is omitted on output and
 * tolerated on input, like the reference app-server.
 */
export class JsonRpcConnection {
  private nextServerRequestId = 0;
  private readonly pending = new Map<RequestId, PendingServerRequest>();
  private closed = false;
  private handler: RequestHandler | undefined;
  private inFlightRequests = 0;

  constructor(
    private readonly send: (text: string) => void,
    private readonly limits: ConnectionLimits = UNBOUNDED,
  ) {}

  setHandler(handler: RequestHandler): void {
    this.handler = handler;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Feed one complete message (a line without its newline, or a frame). */
  receive(text: string): void {
    if (text.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      this.sendError(null, new RpcError(ErrorCode.ParseError, `Parse error: ${(error as Error).message}`));
      return;
    }
    // Refused before anything walks it: validation and logging recurse, and would overflow the stack.
    if (exceedsDepth(message, MAX_MESSAGE_DEPTH)) {
      const id = (message as { id?: unknown }).id;
      const validId = typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? (id as RequestId) : null;
      this.sendError(validId, invalidRequest(`Invalid request: the message is nested deeper than ${MAX_MESSAGE_DEPTH} levels`));
      return;
    }
    this.dispatch(message);
  }

  notify(method: string, params: unknown): void {
    this.write(params === undefined ? { method } : { method, params });
  }

  /** Sends a server-to-client request and resolves with the client's result. */
  request(method: string, params: unknown): Promise<unknown> {
    return this.startRequest(method, params).result;
  }

  /**
   * Sends a server-to-client request and returns its id at once (callers such
   * as `serverRequest/resolved` must name the request) with the pending result.
   */
  startRequest(method: string, params: unknown): SentRequest {
    const id = this.nextServerRequestId++;
    const result = new Promise<unknown>((resolve, reject) => {
      if (this.closed) {
        reject(new RpcError(ErrorCode.InternalError, 'connection closed'));
        return;
      }
      this.pending.set(id, { resolve, reject });
      this.write({ id, method, params });
    });
    return { id, result };
  }

  /** Rejects every outstanding server request; called when the transport ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, pending] of this.pending) pending.reject(new RpcError(ErrorCode.InternalError, 'connection closed'));
    this.pending.clear();
  }

  private dispatch(message: unknown): void {
    if (Array.isArray(message) || message === null || typeof message !== 'object') {
      this.sendError(null, invalidRequest('Invalid request: expected a JSON object'));
      return;
    }
    const msg = message as Record<string, unknown>;
    const hasId = 'id' in msg && msg.id !== null && msg.id !== undefined;
    const id = msg.id as RequestId;
    if (hasId && typeof id !== 'string' && !(typeof id === 'number' && Number.isInteger(id))) {
      this.sendError(null, invalidRequest('Invalid request: `id` must be a string or an integer'));
      return;
    }

    if (typeof msg.method === 'string') {
      if (hasId) this.handleRequest({ id, method: msg.method, params: msg.params });
      else this.handleNotification(msg.method, msg.params);
      return;
    }
    if (hasId && ('result' in msg || 'error' in msg)) {
      this.handleResponse(id, msg);
      return;
    }
    this.sendError(hasId ? id : null, invalidRequest('Invalid request: missing `method`'));
  }

  private handleRequest(request: IncomingRequest): void {
    const handler = this.handler;
    if (!handler) {
      this.sendError(request.id, new RpcError(ErrorCode.InternalError, 'server not ready'));
      return;
    }
    if (this.inFlightRequests >= this.limits.maxInFlightRequests) {
      this.sendError(request.id, new RpcError(ErrorCode.ServerOverloaded, 'Server overloaded; retry later.'));
      return;
    }
    this.inFlightRequests++;
    handler.onRequest(request).then(
      (result) => {
        this.inFlightRequests--;
        this.write({ id: request.id, result: result ?? {} });
      },
      (error: unknown) => {
        this.inFlightRequests--;
        if (error instanceof RpcError) {
          this.sendError(request.id, error);
        } else {
          log.error(`request ${request.method} failed:`, error);
          this.sendError(request.id, new RpcError(ErrorCode.InternalError, `Internal error: ${(error as Error)?.message ?? String(error)}`));
        }
      },
    );
  }

  private handleNotification(method: string, params: unknown): void {
    try {
      this.handler?.onNotification(method, params);
    } catch (error) {
      log.error(`notification ${method} failed:`, error);
    }
  }

  private handleResponse(id: RequestId, msg: Record<string, unknown>): void {
    // Our own ids are integers; clients may echo them back as strings.
    const key = typeof id === 'string' && /^\d+$/.test(id) && !this.pending.has(id) ? Number(id) : id;
    const pending = this.pending.get(key);
    if (!pending) {
      log.warn(`response for unknown server request id ${JSON.stringify(id)}`);
      return;
    }
    this.pending.delete(key);
    if ('error' in msg && msg.error) {
      const err = msg.error as { code?: number; message?: string; data?: unknown };
      pending.reject(new RpcError(err.code ?? ErrorCode.InternalError, err.message ?? 'client error', err.data));
    } else {
      pending.resolve(msg.result);
    }
  }

  private sendError(id: RequestId | null, error: RpcError): void {
    const body: Record<string, unknown> = { code: error.code, message: error.message };
    if (error.data !== undefined) body.data = error.data;
    this.write({ id, error: body });
  }

  private write(message: object): void {
    if (this.closed) return;
    try {
      this.send(JSON.stringify(message));
    } catch (error) {
      log.error('write failed:', error);
    }
  }
}
