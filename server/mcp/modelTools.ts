/**
 * How MCP tools reach the model and how their results go back, as the pinned
 * reference does it: one `namespace` tool `mcp__<server>` holding a function
 * per tool (sorted by name, `$schema` dropped from the input schema), plus the
 * resource functions; a call's output is a "Wall time" header followed by the
 * tool's content (or, with structured content, that JSON as text).
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { FunctionToolSpec, ModelTool, ToolOutput } from '../providers/modelClient';
import type { McpServerSet } from './serverSet';

export const MCP_PREFIX = 'mcp__';

/** The namespace tool name of a server. */
export const namespaceOf = (server: string): string => `${MCP_PREFIX}${server}`;

/** The name hooks see for an MCP tool: `mcp__<server>__<tool>`. */
export const hookToolName = (server: string, tool: string): string => `${MCP_PREFIX}${server}__${tool}`;

function functionSpec(tool: Tool): FunctionToolSpec {
  const { $schema: _schema, ...parameters } = tool.inputSchema as Record<string, unknown>;
  return { type: 'function', name: tool.name, description: tool.description ?? '', strict: false, parameters };
}

const resourceFn = (name: string, description: string, properties: Record<string, unknown>, required: string[]): FunctionToolSpec => ({
  type: 'function',
  name,
  description,
  strict: false,
  parameters: { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false },
});

/** The resource functions (our descriptions), offered when any MCP server is configured. */
export const RESOURCE_TOOLS: FunctionToolSpec[] = [
  resourceFn(
    'list_mcp_resources',
    'List the resources (files, schemas, data) that MCP servers share. Prefer them over web search.',
    {
      cursor: { type: 'string', description: 'Cursor from a previous list_mcp_resources call; omit for the first page.' },
      server: { type: 'string', description: 'MCP server name; omit to list every server.' },
    },
    [],
  ),
  resourceFn(
    'list_mcp_resource_templates',
    'List the parameterized resource templates that MCP servers share.',
    {
      cursor: { type: 'string', description: 'Cursor from a previous list_mcp_resource_templates call; omit for the first page.' },
      server: { type: 'string', description: 'MCP server name; omit to list every server.' },
    },
    [],
  ),
  resourceFn(
    'read_mcp_resource',
    'Read one resource from an MCP server by server name and URI.',
    {
      server: { type: 'string', description: 'MCP server name as configured (the `server` of list_mcp_resources).' },
      uri: { type: 'string', description: 'Resource URI, as listed by list_mcp_resources.' },
    },
    ['server', 'uri'],
  ),
];

export const RESOURCE_TOOL_NAMES = new Set(RESOURCE_TOOLS.map((tool) => tool.name));

/** The tools a turn offers for the thread's MCP servers (none when no server is configured). */
export function mcpModelTools(set: McpServerSet | null): ModelTool[] {
  if (!set || set.serverConfigs.every((config) => !config.enabled)) return [];
  const namespaces: ModelTool[] = [];
  for (const connection of set.connections.values()) {
    const tools = connection.state === 'ready' ? connection.allowedTools : [];
    if (tools.length === 0) continue;
    const name = namespaceOf(connection.name);
    namespaces.push({ type: 'namespace', name, description: `Tools in the ${name} namespace.`, tools: tools.map(functionSpec) });
  }
  namespaces.sort((a, b) => a.name.localeCompare(b.name));
  return [...RESOURCE_TOOLS, ...namespaces];
}

const wallTime = (ms: number) => `Wall time: ${(ms / 1000).toFixed(4)} seconds\nOutput:`;

/** One MCP content block as Responses input content. */
function contentToInput(block: Record<string, unknown>): Record<string, unknown> {
  if (block.type === 'text' && typeof block.text === 'string') return { type: 'input_text', text: block.text };
  if (block.type === 'image' && typeof block.data === 'string') return { type: 'input_image', image_url: `data:${String(block.mimeType ?? 'image/png')};base64,${block.data}` };
  if (block.type === 'resource' && typeof (block.resource as { text?: unknown })?.text === 'string') return { type: 'input_text', text: String((block.resource as { text: string }).text) };
  return { type: 'input_text', text: JSON.stringify(block) };
}

/** The `function_call_output.output` for a finished call. */
export function resultOutput(result: CallToolResult, elapsedMs: number): ToolOutput {
  if (result.structuredContent !== undefined && result.structuredContent !== null) return `${wallTime(elapsedMs)}\n${JSON.stringify(result.structuredContent)}`;
  const content = Array.isArray(result.content) ? result.content : [];
  return [{ type: 'input_text', text: wallTime(elapsedMs) }, ...content.map((block) => contentToInput(block as Record<string, unknown>))];
}

/** The output for a call that failed before or while the server answered. */
export function errorOutput(message: string, elapsedMs: number): ToolOutput {
  return [
    { type: 'input_text', text: wallTime(elapsedMs) },
    { type: 'input_text', text: message },
  ];
}
