/** The `McpServerStatus` entries of `mcpServerStatus/list`. */
import type { ListMcpServerStatusParams } from '../../protocol/mcp';
import { httpOriginOf, type McpServerConfig } from './config';
import type { McpConnection } from './connection';
import type { McpServerSet } from './serverSet';

const DEFAULT_PAGE = 100;

type RuntimeStatus = 'notStarted' | 'starting' | 'connected' | 'failed' | 'disabled' | null;

function runtimeStatusOf(config: McpServerConfig, connection: McpConnection | undefined): RuntimeStatus {
  if (!config.enabled) return 'disabled';
  if (!connection) return 'notStarted';
  return connection.state === 'ready' ? 'connected' : connection.state === 'starting' ? 'starting' : connection.state === 'failed' ? 'failed' : 'notStarted';
}

/** `bearerToken` when a token is configured and present; stdio servers have no auth. */
function authStatusOf(config: McpServerConfig): 'unsupported' | 'bearerToken' | 'notLoggedIn' {
  if (config.transport.type !== 'http') return 'unsupported';
  const variable = config.transport.bearerTokenEnvVar;
  if (variable) return process.env[variable] ? 'bearerToken' : 'notLoggedIn';
  return 'Authorization' in config.transport.httpHeaders || Object.keys(config.transport.envHttpHeaders).includes('Authorization') ? 'bearerToken' : 'unsupported';
}

function statusOf(config: McpServerConfig, connection: McpConnection | undefined, withThread: boolean, full: boolean) {
  const ready = connection?.state === 'ready' || (connection?.state === 'failed' && connection.tools.length > 0);
  const info = connection?.serverInfo;
  return {
    name: config.name,
    runtimeStatus: withThread ? runtimeStatusOf(config, connection) : null,
    pluginId: null,
    httpOrigin: httpOriginOf(config),
    serverInfo: info
      ? { name: info.name, title: info.title ?? null, version: info.version, description: (info as { description?: string }).description ?? null, icons: info.icons ?? null, websiteUrl: info.websiteUrl ?? null }
      : null,
    serverCapabilities: connection?.serverCapabilities ?? null,
    toolListMeta: null,
    tools: ready ? Object.fromEntries(connection!.allowedTools.map((tool) => [tool.name, tool])) : {},
    toolsError: ready || !connection ? null : (connection.toolsError ?? connection.error),
    resources: ready && full ? connection!.resources : [],
    resourceTemplates: ready && full ? connection!.resourceTemplates : [],
    authStatus: authStatusOf(config),
  };
}

/** One page of statuses, sorted by server name; the cursor is the offset of the next entry. */
export function listStatuses(set: McpServerSet, params: ListMcpServerStatusParams, withThread: boolean) {
  const configs = set.serverConfigs.filter((config) => !params.serverName || config.name === params.serverName);
  const start = params.cursor ? Math.max(0, Number.parseInt(params.cursor, 10) || 0) : 0;
  const limit = params.limit ?? DEFAULT_PAGE;
  const page = configs.slice(start, start + limit);
  const full = params.detail !== 'toolsAndAuthOnly';
  return {
    data: page.map((config) => statusOf(config, set.get(config.name), withThread, full)),
    nextCursor: start + limit < configs.length ? String(start + limit) : null,
  };
}
