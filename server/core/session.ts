import type { JsonRpcConnection, SentRequest } from '../rpc/connection';

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

  notify(method: string, params: unknown): void {
    if (!this.initialized || this.optOut.has(method)) return;
    this.connection.notify(method, params);
  }

  request(method: string, params: unknown): Promise<unknown> {
    return this.connection.request(method, params);
  }

  /** Like request(), but also tells the request's id (for `serverRequest/resolved`). */
  startRequest(method: string, params: unknown): SentRequest {
    return this.connection.startRequest(method, params);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    this.connection.close();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
