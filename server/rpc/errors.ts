/** JSON-RPC error codes used by the app-server (same values as the reference). */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Bounded queues are full; the client should retry. */
  ServerOverloaded: -32001,
} as const;

/** An error that becomes a JSON-RPC error response. Throw it from any handler. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** -32600: the request cannot be served as asked (unknown thread, wrong state…). */
export const invalidRequest = (message: string, data?: unknown): RpcError => new RpcError(ErrorCode.InvalidRequest, message, data);
/** -32602: the params are malformed; by convention the message starts with `Invalid params: <field>:`. */
export const invalidParams = (message: string, data?: unknown): RpcError => new RpcError(ErrorCode.InvalidParams, message, data);
