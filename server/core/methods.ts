import type { z } from 'zod';
import { ErrorCode, RpcError, invalidParams, invalidRequest } from '../rpc/errors';
import type { ClientSession } from './session';

interface MethodOptions {
  /** Only available to clients that set `capabilities.experimentalApi`. */
  experimental?: boolean;
  /** May be called before the handshake (only `initialize`). */
  beforeInitialize?: boolean;
}

type MethodHandler<P> = (params: P, session: ClientSession) => Promise<unknown> | unknown;

interface Entry {
  schema: z.ZodType;
  handler: MethodHandler<never>;
  options: MethodOptions;
}

/** Maps method names to a params schema and a handler. Each protocol namespace registers its own. */
export class MethodRegistry {
  private readonly methods = new Map<string, Entry>();

  register<S extends z.ZodType>(method: string, schema: S, handler: MethodHandler<z.output<S>>, options: MethodOptions = {}): void {
    if (this.methods.has(method)) throw new Error(`method ${method} registered twice`);
    this.methods.set(method, { schema, handler: handler as MethodHandler<never>, options });
  }

  has(method: string): boolean {
    return this.methods.has(method);
  }

  list(): string[] {
    return [...this.methods.keys()];
  }

  async dispatch(method: string, rawParams: unknown, session: ClientSession): Promise<unknown> {
    const entry = this.methods.get(method);
    if (!entry) throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
    if (!entry.options.beforeInitialize && !session.initialized) throw invalidRequest('Not initialized');
    if (entry.options.experimental && !session.experimentalApi) {
      throw invalidRequest(`${method} requires the experimentalApi capability`);
    }
    const parsed = entry.schema.safeParse(rawParams ?? {});
    if (!parsed.success) throw invalidParams(`Invalid params: ${describeIssues(parsed.error)}`);
    return entry.handler(parsed.data as never, session);
  }
}

/** "threadId: expected string, received number; limit: …" — names every offending field. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.map(String).join('.') : '(params)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
