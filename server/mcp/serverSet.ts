/**
 * The MCP servers of one thread (or of a status listing without a thread):
 * starts them side by side, reports `mcpServer/startupStatus/updated`, offers
 * their tools to the model and closes every connection (and child process)
 * when the thread or the app-server ends.
 */
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { McpConnection } from './connection';
import type { McpServerConfig } from './config';

export interface StartupStatus {
  threadId: string | null;
  name: string;
  status: 'starting' | 'ready' | 'failed' | 'cancelled';
  error: string | null;
  failureReason: null;
}

export interface McpServerSetHost {
  threadId: string | null;
  /** Sends `mcpServer/startupStatus/updated` (to the thread's subscribers). */
  notifyStatus(status: StartupStatus): void;
  /** Forwards a server's elicitation to a client and returns the answer. */
  elicit(serverName: string, request: ElicitRequest['params']): Promise<ElicitResult>;
}

/** Every set not closed yet, so the app-server can end them all on shutdown. */
export const liveServerSets = new Set<McpServerSet>();

export class McpServerSet {
  readonly connections = new Map<string, McpConnection>();
  private starting: Promise<void> | null = null;

  constructor(
    private configs: McpServerConfig[],
    private readonly host: McpServerSetHost,
  ) {
    liveServerSets.add(this);
  }

  /** Starts every enabled server once; later calls wait for the same start. */
  ensureStarted(): Promise<void> {
    this.starting ??= this.startAll(this.configs.filter((config) => config.enabled));
    return this.starting;
  }

  private async startAll(configs: McpServerConfig[]): Promise<void> {
    const connections = configs.map((config) => this.open(config));
    for (const connection of connections) this.report(connection, 'starting');
    await Promise.all(connections.map((connection) => this.startOne(connection)));
  }

  private open(config: McpServerConfig): McpConnection {
    const connection = new McpConnection(config, (request) => this.host.elicit(config.name, request));
    this.connections.set(config.name, connection);
    return connection;
  }

  private async startOne(connection: McpConnection): Promise<void> {
    await connection.start();
    if (connection.state === 'closed') return;
    this.report(connection, connection.state === 'ready' ? 'ready' : 'failed');
  }

  private report(connection: McpConnection, status: StartupStatus['status']): void {
    this.host.notifyStatus({ threadId: this.host.threadId, name: connection.name, status, error: status === 'failed' ? connection.error : null, failureReason: null });
  }

  /** Failed `required = true` servers, as `name: reason`. */
  requiredFailures(): string[] {
    return [...this.connections.values()].filter((c) => c.config.required && c.state !== 'ready').map((c) => `${c.name}: ${c.error ?? c.state}`);
  }

  get(name: string): McpConnection | undefined {
    return this.connections.get(name);
  }

  /** Configured servers (enabled ones first started), sorted by name. */
  get serverConfigs(): McpServerConfig[] {
    return this.configs;
  }

  /**
   * Applies a re-read config: servers whose entry changed (or that were added,
   * removed, enabled or disabled) restart; the others keep their connection.
   */
  async reload(configs: McpServerConfig[]): Promise<void> {
    await this.starting;
    const next = new Map(configs.map((config) => [config.name, config]));
    const restart: McpServerConfig[] = [];
    for (const [name, connection] of this.connections) {
      const config = next.get(name);
      if (!config || !config.enabled || config.fingerprint !== connection.config.fingerprint) {
        this.connections.delete(name);
        await connection.close();
      }
    }
    for (const config of configs) if (config.enabled && !this.connections.has(config.name)) restart.push(config);
    this.configs = configs;
    const connections = restart.map((config) => this.open(config));
    for (const connection of connections) this.report(connection, 'starting');
    this.starting = Promise.all(connections.map((connection) => this.startOne(connection))).then(() => undefined);
    await this.starting;
  }

  async close(): Promise<void> {
    liveServerSets.delete(this);
    const connections = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(connections.map((connection) => connection.close()));
  }
}
