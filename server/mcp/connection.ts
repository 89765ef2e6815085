/**
 * One live connection to an MCP server through the SDK `Client` (stdio child
 * process or Streamable HTTP). Knows its state, tools and resources, applies
 * the startup and per-call timeouts, and never throws past its callers without
 * a readable reason. Closing it ends the child process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ElicitRequestSchema, type CallToolResult, type ElicitRequest, type ElicitResult, type Resource, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { log } from '../log';
import { SERVER_VERSION } from '../version';
import { toolAllowed, type McpServerConfig } from './config';

export type McpConnectionState = 'starting' | 'ready' | 'failed' | 'closed';

/** Answers a server's elicitation (forwarded to a client by the thread's server set). */
export type ElicitationHandler = (request: ElicitRequest['params']) => Promise<ElicitResult>;

/** The server's answer to tools/call, in MCP's own shape. */
export type McpCallResult = CallToolResult;

export class McpCallError extends Error {}

const STDERR_TAIL = 2000;

export class McpConnection {
  state: McpConnectionState = 'starting';
  /** Why the server failed to start or stopped (shown in statuses and the tree view). */
  error: string | null = null;
  tools: Tool[] = [];
  resources: Resource[] = [];
  resourceTemplates: unknown[] = [];
  toolsError: string | null = null;
  private client: Client | null = null;
  private transport: Transport | null = null;
  private stderrTail = '';
  private readonly stateListeners: (() => void)[] = [];

  constructor(
    readonly config: McpServerConfig,
    private readonly onElicitation: ElicitationHandler,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get serverInfo() {
    return this.client?.getServerVersion() ?? null;
  }

  get serverCapabilities() {
    return this.client?.getServerCapabilities() ?? null;
  }

  /** The tools the config lets the model and clients use, sorted by name. */
  get allowedTools(): Tool[] {
    return this.tools.filter((tool) => toolAllowed(this.config, tool.name)).sort((a, b) => a.name.localeCompare(b.name));
  }

  onStateChange(listener: () => void): void {
    this.stateListeners.push(listener);
  }

  /** Connects and lists tools and resources within `startup_timeout_sec`; resolves either way (see `state`). */
  async start(): Promise<void> {
    const timeoutMs = this.config.startupTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StartupTimeout()), timeoutMs);
    });
    try {
      await Promise.race([this.connectAndList(), timeout]);
      if (this.state === 'starting') this.setState('ready');
    } catch (error) {
      const reason =
        error instanceof StartupTimeout
          ? `MCP client for \`${this.name}\` timed out after ${timeoutMs / 1000} seconds. Add or adjust \`startup_timeout_sec\` in your config.toml:\n[mcp_servers.${this.name}]\nstartup_timeout_sec = XX`
          : `MCP client for \`${this.name}\` failed to start: ${this.describe(error)}`;
      this.error = reason;
      this.toolsError = reason;
      this.setState('failed');
      await this.closeTransport();
    } finally {
      clearTimeout(timer);
    }
  }

  private async connectAndList(): Promise<void> {
    const client = new Client({ name: 'codex-vscode', version: SERVER_VERSION }, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler(ElicitRequestSchema, (request) => this.onElicitation(request.params));
    const transport = this.createTransport();
    this.client = client;
    this.transport = transport;
    transport.onclose = () => this.onTransportClosed();
    await client.connect(transport);
    const capabilities = client.getServerCapabilities() ?? {};
    if (capabilities.tools) this.tools = await this.listAll((cursor) => client.listTools({ cursor }).then((r) => ({ items: r.tools, next: r.nextCursor })));
    if (capabilities.resources) {
      this.resources = await this.listAll((cursor) => client.listResources({ cursor }).then((r) => ({ items: r.resources, next: r.nextCursor })));
      this.resourceTemplates = await this.listAll((cursor) =>
        client.listResourceTemplates({ cursor }).then((r) => ({ items: r.resourceTemplates, next: r.nextCursor })),
      ).catch(() => []);
    }
  }

  private async listAll<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const { items, next } = await page(cursor);
      all.push(...items);
      if (!next) break;
      cursor = next;
    }
    return all;
  }

  private createTransport(): Transport {
    const transport = this.config.transport;
    if (transport.type === 'stdio') {
      const env: Record<string, string> = {};
      for (const name of transport.envVars) if (process.env[name] !== undefined) env[name] = process.env[name]!;
      const stdio = new StdioClientTransport({ command: transport.command, args: transport.args, env: { ...env, ...transport.env }, cwd: transport.cwd ?? undefined, stderr: 'pipe' });
      // The server's stderr is kept (its last lines explain a failed start) and logged, never mixed into our stdout.
      stdio.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
        log.debug(`mcp ${this.name}: ${chunk.toString('utf8').trimEnd()}`);
      });
      return stdio;
    }
    const headers: Record<string, string> = { ...transport.httpHeaders };
    for (const [header, variable] of Object.entries(transport.envHttpHeaders)) if (process.env[variable]) headers[header] = process.env[variable]!;
    if (transport.bearerTokenEnvVar) {
      const token = process.env[transport.bearerTokenEnvVar];
      if (!token) throw new Error(`environment variable ${transport.bearerTokenEnvVar} (bearer_token_env_var) is not set`);
      headers.Authorization = `Bearer ${token}`;
    }
    return new StreamableHTTPClientTransport(new URL(transport.url), { requestInit: { headers } });
  }

  /** Calls a tool with `tool_timeout_sec`; protocol failures throw McpCallError with the cause. */
  async callTool(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult> {
    const client = this.requireClient();
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: this.config.toolTimeoutMs, signal })) as McpCallResult;
    } catch (error) {
      throw new McpCallError(this.describe(error));
    }
  }

  async readResource(uri: string): Promise<{ contents: unknown[] }> {
    const client = this.requireClient();
    try {
      return await client.readResource({ uri }, { timeout: this.config.toolTimeoutMs });
    } catch (error) {
      throw new McpCallError(this.describe(error));
    }
  }

  private requireClient(): Client {
    if (this.state !== 'ready' || !this.client) throw new McpCallError(this.error ?? `MCP server \`${this.name}\` is not running (${this.state})`);
    return this.client;
  }

  private onTransportClosed(): void {
    if (this.state === 'closed') return;
    if (this.state === 'ready') {
      this.error = `MCP server \`${this.name}\` stopped: Transport closed${this.stderrTail ? ` (stderr: ${this.stderrTail.trim().split('\n').pop()})` : ''}`;
      this.setState('failed');
    }
  }

  /** Ends the connection and its child process (SIGTERM, then SIGKILL, by the SDK transport). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    await this.closeTransport();
  }

  private async closeTransport(): Promise<void> {
    const transport = this.transport;
    this.transport = null;
    try {
      await transport?.close();
    } catch (error) {
      log.debug(`mcp ${this.name}: close failed: ${(error as Error).message}`);
    }
  }

  private setState(state: McpConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener();
  }

  private describe(error: unknown): string {
    const message = (error as Error)?.message ?? String(error);
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT') return `No such file or directory: ${this.config.transport.type === 'stdio' ? this.config.transport.command : ''}`.trim();
    if (/Connection closed/i.test(message) && this.stderrTail.trim()) return `${message} (stderr: ${this.stderrTail.trim().split('\n').pop()})`;
    return message;
  }
}

class StartupTimeout extends Error {}
