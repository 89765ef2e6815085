/**
 * The MCP Servers view's data: `mcpServerStatus/list` (for the open thread
 * when the server has it loaded, else the configured servers), kept current
 * by `mcpServer/startupStatus/updated`. Builds the tree nodes: each server
 * with its state, then its tools and resources. No `vscode` import.
 */
import type { McpServerStatus } from '../../protocol/mcp';
import type { Requester } from '../services';

export type McpServerInfo = Pick<McpServerStatus, 'name' | 'runtimeStatus' | 'tools' | 'resources' | 'toolsError' | 'authStatus' | 'httpOrigin'>;

export type McpServerState = 'starting' | 'ready' | 'failed' | 'disabled';

export type McpNode =
  | { kind: 'server'; name: string; state: McpServerState; error: string | null; description: string; tooltip: string; children: McpNode[] }
  | { kind: 'tool'; server: string; name: string; description: string }
  | { kind: 'resource'; server: string; uri: string; label: string; description: string }
  | { kind: 'message'; text: string; severity: 'error' | 'warning' | 'info' | 'loading' }
  | { kind: 'retry'; label: string };

export type McpListStatus = 'waitingForServer' | 'loading' | 'loaded' | 'failed';

export class McpServerModel {
  private servers: McpServerInfo[] = [];
  /** Live startup states by server name (from notifications), over the listed ones. */
  private readonly live = new Map<string, { state: McpServerState; error: string | null }>();
  private loaded = false;
  private serverReady = false;
  private latestRequest = 0;
  private inFlight = 0;
  lastError: string | undefined;
  private downReason: string | undefined;

  constructor(
    private readonly request: Requester,
    /** The chat's open thread, so the view shows that thread's connections. */
    private readonly threadId: () => string | undefined,
    private readonly onChange: () => void = () => undefined,
  ) {}

  get status(): McpListStatus {
    if (this.lastError !== undefined) return 'failed';
    if (!this.serverReady && !this.loaded) return 'waitingForServer';
    return this.loaded ? 'loaded' : 'loading';
  }

  get list(): readonly McpServerInfo[] {
    return this.servers;
  }

  async setServerReady(ready: boolean, downReason?: string): Promise<void> {
    this.serverReady = ready;
    this.downReason = downReason;
    if (ready) await this.refresh();
    else this.onChange();
  }

  async refresh(): Promise<void> {
    const id = ++this.latestRequest;
    this.inFlight++;
    this.onChange();
    try {
      const threadId = this.threadId();
      const response = await (threadId ? this.request('mcpServerStatus/list', { threadId }) : Promise.reject(new Error('no thread'))).catch(() => this.request('mcpServerStatus/list', {}));
      if (id !== this.latestRequest) return;
      this.servers = response?.data ?? [];
      this.live.clear();
      this.loaded = true;
      this.lastError = undefined;
    } catch (error) {
      if (id === this.latestRequest) this.lastError = (error as Error).message;
    } finally {
      this.inFlight--;
      this.onChange();
    }
  }

  /** `config/mcpServer/reload`, then a fresh list. */
  async reload(): Promise<void> {
    await this.request('config/mcpServer/reload', {});
    await this.refresh();
  }

  /** `mcpServer/startupStatus/updated`: shows starting/ready/failed at once; a finished start re-lists (tools). */
  applyStartupStatus(params: { name: string; status: string; error: string | null }): void {
    const state: McpServerState = params.status === 'ready' ? 'ready' : params.status === 'starting' ? 'starting' : 'failed';
    this.live.set(params.name, { state, error: params.error });
    this.onChange();
    if (state !== 'starting') void this.refresh();
  }

  find(name: string): { info?: McpServerInfo; state: McpServerState; error: string | null } | undefined {
    const info = this.servers.find((server) => server.name === name);
    if (!info && !this.live.has(name)) return undefined;
    return { info, ...this.stateOf(name, info) };
  }

  private stateOf(name: string, info: McpServerInfo | undefined): { state: McpServerState; error: string | null } {
    const live = this.live.get(name);
    if (live) return live;
    if (!info) return { state: 'starting', error: null };
    if (info.runtimeStatus === 'disabled') return { state: 'disabled', error: null };
    if (info.toolsError || info.runtimeStatus === 'failed') return { state: 'failed', error: info.toolsError ?? 'The server stopped.' };
    if (info.runtimeStatus === 'starting') return { state: 'starting', error: null };
    return { state: 'ready', error: null };
  }

  nodes(): McpNode[] {
    if (this.lastError !== undefined) return [{ kind: 'message', text: `Could not list MCP servers: ${this.lastError}`, severity: 'error' }, { kind: 'retry', label: 'Retry' }];
    if (!this.loaded) {
      if (!this.serverReady) return [{ kind: 'message', text: this.downReason ?? 'Waiting for the Codex server…', severity: this.downReason ? 'warning' : 'loading' }];
      return [{ kind: 'message', text: 'Loading MCP servers…', severity: 'loading' }];
    }
    const names = [...new Set([...this.servers.map((s) => s.name), ...this.live.keys()])].sort();
    if (names.length === 0) return [{ kind: 'message', text: 'No MCP servers configured ([mcp_servers.<name>] in config.toml).', severity: 'info' }];
    return names.map((name) => {
      const info = this.servers.find((server) => server.name === name);
      const { state, error } = this.stateOf(name, info);
      const tools = Object.values(info?.tools ?? {}).sort((a, b) => a.name.localeCompare(b.name));
      const children: McpNode[] = [
        ...tools.map((tool): McpNode => ({ kind: 'tool', server: name, name: tool.name, description: tool.title ?? tool.description ?? '' })),
        ...(info?.resources ?? []).map((resource): McpNode => ({ kind: 'resource', server: name, uri: resource.uri, label: resource.title ?? resource.name, description: resource.uri })),
      ];
      if (state === 'failed' && error) children.unshift({ kind: 'message', text: error.split('\n')[0], severity: 'error' });
      const counts = state === 'ready' ? `${tools.length} tool${tools.length === 1 ? '' : 's'}${info?.resources.length ? `, ${info.resources.length} resource${info.resources.length === 1 ? '' : 's'}` : ''}` : state;
      const where = info?.httpOrigin ? ` · ${info.httpOrigin}` : '';
      return { kind: 'server', name, state, error, description: `${counts}${where}`, tooltip: error ?? `${name}: ${counts}${where}`, children };
    });
  }
}

/** The line of `[mcp_servers.<name>]` in a config.toml text (0-based), or -1. */
export function findServerEntryLine(text: string, name: string): number {
  const quoted = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const header = new RegExp(`^\\s*\\[\\s*mcp_servers\\s*\\.\\s*(?:"${quoted}"|'${quoted}'|${quoted})\\s*\\]`);
  return text.split('\n').findIndex((line) => header.test(line));
}
