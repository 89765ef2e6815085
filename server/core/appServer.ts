import type { ServerNotificationMethod, ServerNotifications } from '../../protocol';
import { JsonRpcConnection, type ConnectionLimits, type IncomingRequest } from '../rpc/connection';
import { ErrorCode, RpcError } from '../rpc/errors';
import { log } from '../log';
import { MethodRegistry } from './methods';
import { ClientSession } from './session';
import type { ServerOptions } from '../cli';

/** Something each protocol namespace module exports: it registers its methods. */
export type NamespaceModule = (registry: MethodRegistry, server: AppServer) => void;

/**
 * Process-wide state shared by every connection: the method table and the live
 * sessions. Namespace modules keep their own services (threads, config, …) and
 * reach clients through `sessions`.
 */
export class AppServer {
  readonly registry = new MethodRegistry();
  readonly sessions = new Set<ClientSession>();
  private readonly disposers: (() => Promise<void> | void)[] = [];
  private readonly readyListeners: ((session: ClientSession) => void)[] = [];
  /** Set while namespace modules are still loading (see `loadLater`). */
  private pendingLoad: Promise<void> | null = null;

  constructor(
    readonly codexHome: string,
    /** Command-line options (`-c` overrides, transport flags). */
    readonly options: ServerOptions,
  ) {}

  use(module: NamespaceModule): this {
    module(this.registry, this);
    return this;
  }

  /**
   * Called when a client sends `initialized` (e.g. to tell it about config problems found at startup).
   * A module loaded after a client is already initialized still reaches it, at once.
   */
  onSessionReady(listener: (session: ClientSession) => void): void {
    this.readyListeners.push(listener);
    for (const session of this.sessions) if (session.ready) listener(session);
  }

  /**
   * Registers modules after the current event-loop turn, so that a cold start can answer
   * `initialize` before evaluating the rest of the server. A request for a method that is
   * not registered yet waits for the load instead of failing.
   */
  loadLater(load: () => Promise<NamespaceModule[]>): Promise<void> {
    const loading = new Promise<void>((resolve) => setImmediate(resolve))
      .then(load)
      .then((modules) => {
        for (const module of modules) this.use(module);
      })
      .finally(() => {
        if (this.pendingLoad === loading) this.pendingLoad = null;
      });
    this.pendingLoad = loading;
    return loading;
  }

  /** Resolves once modules passed to `loadLater` are registered (at once if none are pending). */
  async loaded(): Promise<void> {
    await this.pendingLoad;
  }

  /** Called on shutdown, in reverse order of registration (flush rollouts, kill processes…). */
  onDispose(dispose: () => Promise<void> | void): void {
    this.disposers.push(dispose);
  }

  /** Attaches a transport; `send` writes one serialized message. `limits` bound what one client may queue. */
  connect(send: (text: string) => void, limits?: ConnectionLimits): { connection: JsonRpcConnection; session: ClientSession } {
    const connection = new JsonRpcConnection(send, limits);
    const session = new ClientSession(connection);
    this.sessions.add(session);
    session.onClose(() => this.sessions.delete(session));
    connection.setHandler({
      onRequest: async (request: IncomingRequest) => {
        if (this.pendingLoad && !this.registry.has(request.method)) await this.pendingLoad;
        return this.registry.dispatch(request.method, request.params, session);
      },
      onNotification: (method) => {
        if (method === 'initialized') {
          session.ready = true;
          for (const listener of this.readyListeners) listener(session);
        }
        else log.debug(`ignored client notification ${method}`);
      },
    });
    return { connection, session };
  }

  /** Sends a notification to every initialized client. */
  broadcast<M extends ServerNotificationMethod>(method: M, params: ServerNotifications[M]): void {
    for (const session of this.sessions) session.notify(method, params);
  }

  async dispose(): Promise<void> {
    for (const dispose of this.disposers.reverse()) {
      try {
        await dispose();
      } catch (error) {
        log.error('dispose failed:', error);
      }
    }
  }
}

export { RpcError, ErrorCode };
