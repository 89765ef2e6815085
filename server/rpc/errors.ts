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

export const invalidRequest = (message: string) => new RpcError(ErrorCode.InvalidRequest, message);
export const invalidParams = (message: string) => new RpcError(ErrorCode.InvalidParams, message);
