/**
 * Several chats (the side bar and editor tabs) share one client, whose server
 * requests (approvals) have one handler per method. The router owns those
 * handlers and passes each request to the chat showing its thread (the first
 * chat, the side bar, when none does), so an approval is answered where the
 * thread is on screen.
 */
import type { CodexClient } from '../client/codexClient';
import type { ServerRequestMethod } from '../../protocol';

type RequestHandler = (params: any) => Promise<unknown>;

interface Owner {
  threadId: () => string | undefined;
  handlers: Map<string, RequestHandler>;
}

export class ServerRequestRouter {
  private readonly owners: Owner[] = [];
  private readonly routed = new Set<string>();

  constructor(private readonly client: Pick<CodexClient, 'onServerRequest'>) {}

  /** The client as one chat sees it: its `onServerRequest` registrations go through the router. */
  clientFor<T extends object>(client: T, threadId: () => string | undefined): T {
    const owner: Owner = { threadId, handlers: new Map() };
    this.owners.push(owner);
    return new Proxy(client, {
      get: (target, property) => {
        if (property === 'onServerRequest') {
          return (method: string, handler: RequestHandler) => {
            owner.handlers.set(method, handler);
            this.route(method as ServerRequestMethod);
            return {
              dispose: () => {
                if (owner.handlers.get(method) === handler) owner.handlers.delete(method);
                if (owner.handlers.size === 0) this.owners.splice(this.owners.indexOf(owner), 1);
              },
            };
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  private route(method: ServerRequestMethod): void {
    if (this.routed.has(method)) return;
    this.routed.add(method);
    this.client.onServerRequest(method, (params) => {
      // v2 requests name the thread; the legacy ones carry it as the conversation.
      const named = params as { threadId?: string; conversationId?: string };
      const threadId = named.threadId ?? named.conversationId;
      const candidates = this.owners.filter((owner) => owner.handlers.has(method));
      const owner = candidates.find((o) => o.threadId() === threadId) ?? candidates[0];
      if (!owner) return Promise.reject(new Error(`no chat handles ${method}`));
      return owner.handlers.get(method)!(params) as Promise<any>;
    });
  }
}
