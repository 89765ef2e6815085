/**
 * `[mcp_servers.<name>]` entries of the effective config, as Codex reads them:
 * stdio (`command`, `args`, `env`, `env_vars`, `cwd`) or Streamable HTTP (`url`,
 * `bearer_token_env_var`, `http_headers`, `env_http_headers`), plus `enabled`,
 * `required`, `startup_timeout_sec`, `tool_timeout_sec`, `enabled_tools`, `disabled_tools`.
 * The table arrives through the normal config layers (loader.ts), so a project's
 * entries count only when the project is trusted and requirements have already applied.
 */
import { createHash } from 'node:crypto';
import type { ConfigWarning } from '../../protocol/config';

type Table = Record<string, unknown>;
const isTable = (value: unknown): value is Table => typeof value === 'object' && value !== null && !Array.isArray(value);

export type McpTransportConfig =
  | { type: 'stdio'; command: string; args: string[]; env: Record<string, string>; envVars: string[]; cwd: string | null }
  | { type: 'http'; url: string; bearerTokenEnvVar: string | null; httpHeaders: Record<string, string>; envHttpHeaders: Record<string, string> };

export interface McpServerConfig {
  name: string;
  transport: McpTransportConfig;
  enabled: boolean;
  required: boolean;
  /** The reference's defaults: 10 s to start, 60 s per tool call. */
  startupTimeoutMs: number;
  toolTimeoutMs: number;
  enabledTools: string[] | null;
  disabledTools: string[];
  /** Changes when anything that matters for the connection changes (reload restarts only those). */
  fingerprint: string;
}

export const DEFAULT_STARTUP_TIMEOUT_MS = 10_000;
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

const STDIO_FIELDS = ['command', 'args', 'env', 'env_vars', 'cwd'];
const HTTP_FIELDS = ['url', 'bearer_token_env_var', 'http_headers', 'env_http_headers'];

/** Why an entry cannot be used, or null when it can. */
export function mcpEntryProblem(name: string, entry: unknown): string | null {
  if (!isTable(entry)) return `mcp_servers.${name} must be a table`;
  const stdio = STDIO_FIELDS.filter((field) => field in entry);
  const http = HTTP_FIELDS.filter((field) => field in entry);
  if (stdio.length && http.length) {
    return `mcp_servers.${name} mixes stdio fields (${stdio.join(', ')}) with Streamable HTTP fields (${http.join(', ')}); use either \`command\` or \`url\``;
  }
  if (!stdio.includes('command') && !http.includes('url')) return `mcp_servers.${name} needs either \`command\` (stdio) or \`url\` (Streamable HTTP)`;
  if ('command' in entry && (typeof entry.command !== 'string' || !entry.command.trim())) return `mcp_servers.${name}.command must be a non-empty string`;
  if ('url' in entry) {
    try {
      const url = new URL(String(entry.url));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    } catch {
      return `mcp_servers.${name}.url must be an http(s) URL`;
    }
  }
  return null;
}

/**
 * Called by the config loader on the merged table: an unusable entry (e.g. mixed
 * stdio and HTTP fields) becomes a `configWarning` and is left out, so the other
 * servers and the rest of the config still work.
 */
export function dropInvalidMcpServers(merged: Table, warnings: ConfigWarning[]): Table {
  if (!isTable(merged.mcp_servers)) return merged;
  const kept: Table = {};
  for (const [name, entry] of Object.entries(merged.mcp_servers)) {
    const problem = mcpEntryProblem(name, entry);
    if (problem) warnings.push({ summary: `Ignored MCP server "${name}": ${problem}.`, details: null });
    else kept[name] = entry;
  }
  return { ...merged, mcp_servers: kept };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const stringMap = (value: unknown): Record<string, string> =>
  isTable(value) ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
const seconds = (value: unknown, fallbackMs: number): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : fallbackMs);

/** Every configured server (enabled or not), sorted by name. */
export function mcpServersFromConfig(raw: Table): McpServerConfig[] {
  const table = isTable(raw.mcp_servers) ? raw.mcp_servers : {};
  const servers: McpServerConfig[] = [];
  for (const [name, entry] of Object.entries(table)) {
    if (mcpEntryProblem(name, entry) || !isTable(entry)) continue;
    const transport: McpTransportConfig =
      typeof entry.command === 'string'
        ? { type: 'stdio', command: entry.command, args: strings(entry.args), env: stringMap(entry.env), envVars: strings(entry.env_vars), cwd: typeof entry.cwd === 'string' ? entry.cwd : null }
        : {
            type: 'http',
            url: String(entry.url),
            bearerTokenEnvVar: typeof entry.bearer_token_env_var === 'string' ? entry.bearer_token_env_var : null,
            httpHeaders: stringMap(entry.http_headers),
            envHttpHeaders: stringMap(entry.env_http_headers),
          };
    const config = {
      name,
      transport,
      enabled: entry.enabled !== false,
      required: entry.required === true,
      startupTimeoutMs: seconds(entry.startup_timeout_sec, DEFAULT_STARTUP_TIMEOUT_MS),
      toolTimeoutMs: seconds(entry.tool_timeout_sec, DEFAULT_TOOL_TIMEOUT_MS),
      enabledTools: Array.isArray(entry.enabled_tools) ? strings(entry.enabled_tools) : null,
      disabledTools: strings(entry.disabled_tools),
    };
    servers.push({ ...config, fingerprint: createHash('sha256').update(JSON.stringify(config)).digest('hex') });
  }
  return servers.sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether `enabled_tools` / `disabled_tools` let the model and clients see `tool`. */
export function toolAllowed(server: McpServerConfig, tool: string): boolean {
  if (server.enabledTools && !server.enabledTools.includes(tool)) return false;
  return !server.disabledTools.includes(tool);
}

/** The HTTP origin of a Streamable HTTP server (no credentials, path or query), else null. */
export function httpOriginOf(server: McpServerConfig): string | null {
  if (server.transport.type !== 'http') return null;
  try {
    return new URL(server.transport.url).origin;
  } catch {
    return null;
  }
}
