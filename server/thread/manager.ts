import type { AppServer } from '../core/appServer';
import type { ClientSession } from '../core/session';
import { RpcError, invalidRequest } from '../rpc/errors';
import type { LoadedThread, LoadedThreadHost } from './loadedThread';

const UUID = /^(urn:uuid:)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Checks a client-supplied thread id; the reference rejects non-UUIDs the same way (-32600). */
export function validateThreadId(threadId: string): string {
  if (!UUID.test(threadId)) throw invalidRequest(`invalid thread id: ${JSON.stringify(threadId)} is not a UUID`);
  return threadId.replace(/^urn:uuid:/i, '').toLowerCase();
}

/**
 * The threads loaded in this server process. Other modules (the turn engine)
 * reach a thread through `threadManagerOf(server).getLoaded(threadId)`.
 */
export class ThreadManager implements LoadedThreadHost {
  private readonly loaded = new Map<string, LoadedThread>();
  private readonly changeListeners: ((thread: LoadedThread) => void)[] = [];
  private readonly loadListeners: ((thread: LoadedThread) => void)[] = [];

  constructor(readonly server: AppServer) {
    server.onDispose(() => {
      for (const thread of this.loaded.values()) thread.close();
    });
  }

  /** The loaded thread, or an RpcError (-32600) naming the id. */
  getLoaded(threadId: string): LoadedThread {
    const thread = this.findLoaded(threadId);
    if (!thread) throw invalidRequest(`thread not loaded: ${threadId}`);
    return thread;
  }

  findLoaded(threadId: string): LoadedThread | undefined {
    return this.loaded.get(threadId.replace(/^urn:uuid:/i, '').toLowerCase());
  }

  /** Ids of loaded threads, oldest load first. */
  loadedIds(): string[] {
    return [...this.loaded.keys()];
  }

  loadedThreads(): LoadedThread[] {
    return [...this.loaded.values()];
  }

  /** Adds a thread to the loaded set, subscribed by `session`. */
  add(thread: LoadedThread, session: ClientSession | null): LoadedThread {
    this.loaded.set(thread.id, thread);
    if (session) this.subscribe(thread, session);
    for (const listener of this.loadListeners) listener(thread);
    return thread;
  }

  /** Called for each thread added to the loaded set (started, resumed, forked). */
  onLoaded(listener: (thread: LoadedThread) => void): void {
    this.loadListeners.push(listener);
  }

  subscribe(thread: LoadedThread, session: ClientSession): void {
    if (thread.subscribers.has(session)) return;
    thread.subscribe(session);
    // A closed connection no longer receives notifications. The thread stays loaded, like the reference.
    session.onClose(() => thread.unsubscribe(session));
  }

  /** Removes a thread from memory (its rollout stays on disk). */
  unload(threadId: string): LoadedThread | undefined {
    const thread = this.loaded.get(threadId);
    if (!thread) return undefined;
    this.loaded.delete(threadId);
    thread.close();
    return thread;
  }

  /** Called when a thread's summary changes (the store keeps its index current). */
  onChange(listener: (thread: LoadedThread) => void): void {
    this.changeListeners.push(listener);
  }

  onThreadChanged(thread: LoadedThread): void {
    for (const listener of this.changeListeners) listener(thread);
  }
}

const managers = new WeakMap<AppServer, ThreadManager>();

/** The server's ThreadManager (created on first use, whichever module asks first). */
export function threadManagerOf(server: AppServer): ThreadManager {
  let manager = managers.get(server);
  if (!manager) {
    manager = new ThreadManager(server);
    managers.set(server, manager);
  }
  return manager;
}
