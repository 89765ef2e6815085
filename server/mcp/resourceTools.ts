/**
 * The resource functions offered next to MCP tools: `list_mcp_resources`,
 * `list_mcp_resource_templates` and `read_mcp_resource`. Like the reference,
 * each call is an `mcpToolCall` item (server = the named server) and the model
 * reads the answer as JSON text.
 */
import type { McpToolCallItem } from '../../protocol/items';
import type { ToolOutput } from '../providers/modelClient';
import type { RunningTurn } from '../turn/runningTurn';
import type { McpServerSet } from './serverSet';

async function answer(set: McpServerSet, name: string, args: Record<string, unknown>): Promise<unknown> {
  const server = typeof args.server === 'string' ? args.server : null;
  const connections = [...set.connections.values()].filter((c) => server === null || c.name === server);
  if (server !== null && connections.length === 0) throw new Error(`unknown MCP server '${server}'`);
  if (name === 'read_mcp_resource') {
    if (!server || typeof args.uri !== 'string') throw new Error('read_mcp_resource needs `server` and `uri`');
    const read = await connections[0].readResource(args.uri);
    return { server, uri: args.uri, contents: read.contents };
  }
  if (name === 'list_mcp_resources') {
    return { resources: connections.flatMap((c) => c.resources.map((resource) => ({ server: c.name, ...resource }))) };
  }
  return { resourceTemplates: connections.flatMap((c) => (c.resourceTemplates as object[]).map((template) => ({ server: c.name, ...template }))) };
}

export async function callResourceTool(runner: RunningTurn, set: McpServerSet, callId: string, name: string, args: Record<string, unknown>): Promise<ToolOutput> {
  const item: McpToolCallItem = {
    type: 'mcpToolCall',
    id: callId,
    server: typeof args.server === 'string' ? args.server : 'codex',
    tool: name,
    status: 'inProgress',
    arguments: args,
    appContext: null,
    mcpAppUi: null,
    pluginId: null,
    readOnlyHint: null,
    result: null,
    error: null,
    durationMs: null,
  };
  const started = Date.now();
  runner.notifyItem('started', item);
  try {
    const text = JSON.stringify(await answer(set, name, args));
    item.status = 'completed';
    item.result = { content: [{ type: 'text', text }], structuredContent: null, _meta: null };
    return text;
  } catch (error) {
    item.status = 'failed';
    item.error = { message: `${name} failed: ${(error as Error).message}` };
    return item.error.message;
  } finally {
    item.durationMs = Date.now() - started;
    runner.notifyItem('completed', { ...item });
  }
}
