import type { ServerNotificationMethod, ServerNotifications, ServerRequestMethod, ServerRequestParams, ServerRequestResult } from '../../protocol';
import type { JsonRpcConnection, SentRequest as WireRequest } from '../rpc/connection';

/** A server-to-client request on its way: its wire id and the client's eventual answer. */
export interface SentRequest<M extends ServerRequestMethod> {
  id: WireRequest['id'];
  result: Promise<ServerRequestResult<M>>;
}

export interface ClientInfo {
  name: string;
  title?: string | null;
  version: string;
}

/**
 * Per-connection state: the handshake, negotiated capabilities and the
 * notifications this client opted out of. Threads broadcast through sessions.
 */
export class ClientSession {
  private static nextId = 1;
  readonly id = ClientSession.nextId++;
  initialized = false;
  /** Set once the client sent the `initialized` notification. */
  ready = false;
  experimentalApi = false;
  clientInfo: ClientInfo | undefined;
  private optOut = new Set<string>();
  private closeListeners: (() => void)[] = [];

  constructor(readonly connection: JsonRpcConnection) {}

  setOptOut(methods: readonly string[] | null | undefined): void {
    this.optOut = new Set(methods ?? []);
  }

  get isClosed(): boolean {
    return this.connection.isClosed;
  }

  notify<M extends ServerNotificationMethod>(method: M, params: ServerNotifications[M]): void {
    if (!this.initialized || this.optOut.has(method)) return;
    this.connection.notify(method, params);
  }

  /**
   * Sends a server-to-client request; returns its id at once (for `serverRequest/resolved`)
   * with the client's answer. The answer is the client's word: check it before use.
   */
  startRequest<M extends ServerRequestMethod>(method: M, params: ServerRequestParams<M>): SentRequest<M> {
    const { id, result } = this.connection.startRequest(method, params);
    return { id, result: result as Promise<ServerRequestResult<M>> };
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    this.connection.close();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
