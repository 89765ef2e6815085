/**
 * The `mcpServer*` namespace: `mcpServerStatus/list`, `config/mcpServer/reload`,
 * `mcpServer/tool/call`, `mcpServer/resource/read`; starting a new thread's
 * servers (`startThreadServers`) and ending every server on shutdown.
 */
import type { AppServer, NamespaceModule } from '../core/appServer';
import { loadLayerStack } from '../config/loader';
import { ErrorCode, RpcError } from '../rpc/errors';
import { ListMcpServerStatusParams, McpResourceReadParams, McpServerReloadParams, McpServerToolCallParams, type McpResourceReadResponse } from '../../protocol/mcp';
import type { LoadedThread } from '../thread/loadedThread';
import { threadManagerOf } from '../thread/manager';
import { mcpServersFromConfig, type McpServerConfig } from './config';
import { McpCallError } from './connection';
import { liveServerSets, McpServerSet } from './serverSet';
import { listStatuses } from './status';
import { existingMcpOf, mcpOf } from './threadServers';

/** Servers of the config for `cwd`, for callers without a thread (listings, resource reads). */
function configuredServers(server: AppServer, cwd = process.cwd(), sessionConfig: Record<string, unknown> | null = null): McpServerConfig[] {
  const stack = loadLayerStack(server.codexHome, server.options.configOverrides ?? [], { cwd, sessionConfig });
  return mcpServersFromConfig(stack.merged);
}

/** A short-lived set outside any thread: nobody answers elicitations, no status notifications. */
async function withTemporarySet<T>(configs: McpServerConfig[], use: (set: McpServerSet) => Promise<T>): Promise<T> {
  const set = new McpServerSet(configs, { threadId: null, notifyStatus: () => {}, elicit: async () => ({ action: 'decline' }) });
  try {
    await set.ensureStarted();
    return await use(set);
  } finally {
    await set.close();
  }
}

/**
 * Starts a new thread's servers after `thread/started`. As with the reference,
 * `thread/start` answers at once and the first turn waits for the servers,
 * unless one is `required = true`: then the start waits, and a failure unloads
 * the thread and fails the request with the reason.
 */
export async function startThreadServers(server: AppServer, thread: LoadedThread): Promise<void> {
  const set = mcpOf(thread);
  const enabled = set.serverConfigs.filter((config) => config.enabled);
  if (enabled.length === 0) return;
  if (!enabled.some((config) => config.required)) {
    setImmediate(() => void set.ensureStarted());
    return;
  }
  await new Promise((resolve) => setImmediate(resolve));
  await set.ensureStarted();
  const failures = set.requiredFailures();
  if (failures.length === 0) return;
  threadManagerOf(server).unload(thread.id);
  throw new RpcError(ErrorCode.InternalError, `error creating thread: required MCP servers failed to initialize: ${failures.join('; ')}`);
}

export const mcpModule: NamespaceModule = (registry, server) => {
  const threads = threadManagerOf(server);
  server.onDispose(async () => {
    await Promise.all([...liveServerSets].map((set) => set.close()));
  });

  registry.register('mcpServerStatus/list', ListMcpServerStatusParams, async (params) => {
    if (params.threadId) {
      const set = mcpOf(threads.getLoaded(params.threadId));
      await set.ensureStarted();
      return listStatuses(set, params, true);
    }
    const configs = configuredServers(server).filter((config) => config.enabled && (!params.serverName || config.name === params.serverName));
    return withTemporarySet(configs, async (set) => listStatuses(set, params, false));
  });

  registry.register('config/mcpServer/reload', McpServerReloadParams, async () => {
    const stack = loadLayerStack(server.codexHome, server.options.configOverrides ?? []);
    for (const warning of stack.warnings) server.broadcast('configWarning', warning);
    await Promise.all(
      threads.loadedThreads().map(async (thread) => {
        const set = existingMcpOf(thread);
        if (set) await set.reload(configuredServers(server, thread.cwd, thread.sessionConfig));
      }),
    );
    return {};
  });

  registry.register('mcpServer/tool/call', McpServerToolCallParams, async (params) => {
    const set = mcpOf(threads.getLoaded(params.threadId));
    await set.ensureStarted();
    const connection = set.get(params.server);
    if (!connection) throw new RpcError(ErrorCode.InternalError, `unknown MCP server '${params.server}'`);
    try {
      const result = await connection.callTool(params.tool, params.arguments ?? {});
      return {
        content: result.content ?? [],
        ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}),
        ...(result.isError !== undefined ? { isError: result.isError } : {}),
        ...(result._meta !== undefined ? { _meta: result._meta } : {}),
      };
    } catch (error) {
      if (error instanceof McpCallError) throw new RpcError(ErrorCode.InternalError, `tool call failed for \`${params.server}/${params.tool}\`: ${error.message}`);
      throw error;
    }
  });

  registry.register('mcpServer/resource/read', McpResourceReadParams, async (params) => {
    const read = async (set: McpServerSet) => {
      const connection = set.get(params.server);
      if (!connection) throw new RpcError(ErrorCode.InternalError, `unknown MCP server '${params.server}'`);
      try {
        return { contents: (await connection.readResource(params.uri)).contents as McpResourceReadResponse['contents'], originCallId: null };
      } catch (error) {
        if (error instanceof McpCallError) throw new RpcError(ErrorCode.InternalError, `resources/read failed for \`${params.server}\` (${params.uri}): ${error.message}`);
        throw error;
      }
    };
    if (params.threadId) {
      const set = mcpOf(threads.getLoaded(params.threadId));
      await set.ensureStarted();
      return read(set);
    }
    const configs = configuredServers(server).filter((config) => config.enabled && config.name === params.server);
    return withTemporarySet(configs, read);
  });
};
