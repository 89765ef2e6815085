import type { z } from 'zod';
import type { ClientRequestMethod, ClientRequests, ClientResult, IsExperimental, ValidatedParams } from '../../protocol';
import { ErrorCode, RpcError, invalidParams, invalidRequest } from '../rpc/errors';
import type { ClientSession } from './session';

interface MethodOptions {
  /** Only available to clients that set `capabilities.experimentalApi`. */
  experimental?: boolean;
  /** May be called before the handshake (only `initialize`). */
  beforeInitialize?: boolean;
}

/** Handles method M: validated params in, the contract's result out. */
type MethodHandler<M extends ClientRequestMethod> = (params: ValidatedParams<M>, session: ClientSession) => Promise<ClientResult<M>> | ClientResult<M>;

/** `{ experimental: true }` exactly when the contract marks the method experimental. */
type OptionsFor<M extends ClientRequestMethod> =
  IsExperimental<M> extends true ? [options: MethodOptions & { experimental: true }] : [options?: MethodOptions & { experimental?: false }];

type AnyHandler = (params: never, session: ClientSession) => unknown;

interface Entry {
  schema: z.ZodType;
  handler: AnyHandler;
  options: MethodOptions;
}

/**
 * Maps method names to a params schema and a handler. Each protocol namespace registers its own;
 * method names, schemas and results are checked by tsc against the contract (`protocol/`).
 */
export class MethodRegistry {
  private readonly methods = new Map<string, Entry>();

  register<M extends ClientRequestMethod>(method: M, schema: ClientRequests[M]['params'], handler: MethodHandler<M>, ...[options = {}]: OptionsFor<M>): void {
    if (this.methods.has(method)) throw new Error(`method ${method} registered twice`);
    this.methods.set(method, { schema, handler: handler as AnyHandler, options });
  }

  /** Whether a registered method needs the experimentalApi capability. */
  isExperimental(method: string): boolean {
    return this.methods.get(method)?.options.experimental === true;
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
