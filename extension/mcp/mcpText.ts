/**
 * Plain-text views of MCP data for the chat: a tool call's arguments and
 * result for its card, and the server list `/mcp` prints. No `vscode` import.
 */
import type { ElicitationField } from '../../webview/protocol';

/** A tool call's content as text: text blocks as they are, anything else as JSON. */
export function mcpResultText(result: { content?: unknown[]; structuredContent?: unknown } | null | undefined): string | undefined {
  if (!result) return undefined;
  const parts = (result.content ?? []).map((block: any) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : JSON.stringify(block)));
  if (result.structuredContent !== undefined && result.structuredContent !== null) parts.push(JSON.stringify(result.structuredContent, null, 2));
  return parts.join('\n');
}

export interface McpServerStatusLike {
  name: string;
  runtimeStatus?: string | null;
  tools: Record<string, { name: string; description?: string }>;
  resources?: { uri: string }[];
  toolsError: string | null;
}

/** What `/mcp` shows: each server, its state and its tools. */
export function describeMcpServers(servers: McpServerStatusLike[]): string {
  if (servers.length === 0) return 'No MCP servers are configured. Add one under [mcp_servers.<name>] in config.toml.';
  const lines = [`MCP servers (${servers.length}):`];
  for (const server of servers) {
    const tools = Object.keys(server.tools).sort();
    const state = server.toolsError ? `failed: ${server.toolsError}` : server.runtimeStatus === 'disabled' ? 'disabled' : `${tools.length} tool${tools.length === 1 ? '' : 's'}`;
    lines.push(`• ${server.name} — ${state}`);
    if (tools.length) lines.push(`    ${tools.join(', ')}`);
    if (server.resources?.length) lines.push(`    resources: ${server.resources.map((r) => r.uri).join(', ')}`);
  }
  return lines.join('\n');
}

/** The form fields of an elicitation's flat `requestedSchema` (MCP allows only primitives). */
export function elicitationFields(schema: unknown): ElicitationField[] {
  const table = (schema ?? {}) as { properties?: Record<string, any>; required?: string[] };
  const required = new Set(Array.isArray(table.required) ? table.required : []);
  return Object.entries(table.properties ?? {}).map(([name, property]) => {
    const options: string[] | undefined = Array.isArray(property?.enum)
      ? property.enum.map(String)
      : Array.isArray(property?.oneOf)
        ? property.oneOf.map((option: any) => String(option?.const))
        : undefined;
    const type = options ? 'enum' : property?.type === 'number' || property?.type === 'integer' || property?.type === 'boolean' ? property.type : 'string';
    return { name, title: String(property?.title ?? name), type, required: required.has(name), description: typeof property?.description === 'string' ? property.description : undefined, options };
  });
}

/** Converts the form's values to the schema's types; throws with a readable reason. */
export function elicitationContent(fields: ElicitationField[], values: Record<string, string | boolean>): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === '') {
      if (field.type === 'boolean') content[field.name] = false;
      else if (field.required) throw new Error(`${field.title} is required.`);
      continue;
    }
    if (field.type === 'number' || field.type === 'integer') {
      const number = Number(value);
      if (!Number.isFinite(number) || (field.type === 'integer' && !Number.isInteger(number))) throw new Error(`${field.title} must be ${field.type === 'integer' ? 'a whole number' : 'a number'}.`);
      content[field.name] = number;
    } else if (field.type === 'boolean') content[field.name] = value === true || value === 'true';
    else content[field.name] = String(value);
  }
  return content;
}
