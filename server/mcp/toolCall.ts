/**
 * A model's call of an MCP tool (a function in a `mcp__<server>` namespace, or
 * `mcp__<server>__<tool>` from a Chat Completions model) or of a resource
 * function, run as an `mcpToolCall` item the way the reference runs it:
 * PreToolUse hook, item/started, approval (an elicitation) unless the policy
 * is `never` or the tool is read-only, the call with `tool_timeout_sec`,
 * item/completed, PostToolUse hook. Every failure becomes a failed item and
 * an error output the model can react to.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpToolCallItem } from '../../protocol/items';
import type { ResponseItem, ToolOutput } from '../providers/modelClient';
import type { LoadedThread } from '../thread/loadedThread';
import type { RunningTurn } from '../turn/runningTurn';
import { lifecycleHooks, type ToolUse } from '../turn/lifecycleHooks';
import { developerMessage } from '../turn/context';
import type { McpConnection } from './connection';
import { requestElicitation } from './elicitation';
import { errorOutput, hookToolName, MCP_PREFIX, RESOURCE_TOOL_NAMES, resultOutput } from './modelTools';
import { callResourceTool } from './resourceTools';
import type { McpServerSet } from './serverSet';
import { answeringClient, mcpOf } from './threadServers';

export interface McpCallTarget {
  server: string;
  tool: string;
}

/** Whether the call is for the MCP layer (a namespaced MCP tool or a resource function). */
export function isMcpCall(call: ResponseItem): boolean {
  const name = String(call.name ?? '');
  if (typeof call.namespace === 'string') return call.namespace.startsWith(MCP_PREFIX);
  return name.startsWith(MCP_PREFIX) || RESOURCE_TOOL_NAMES.has(name);
}

/** Server and tool of an MCP call; null for a name that names neither. */
export function targetOf(call: ResponseItem, set: McpServerSet): McpCallTarget | null {
  const name = String(call.name ?? '');
  if (typeof call.namespace === 'string') return { server: call.namespace.slice(MCP_PREFIX.length), tool: name };
  // Flattened (Chat Completions): the longest configured server name that fits wins.
  const rest = name.slice(MCP_PREFIX.length);
  const servers = [...set.connections.keys()].sort((a, b) => b.length - a.length);
  const server = servers.find((candidate) => rest.startsWith(`${candidate}__`));
  return server ? { server, tool: rest.slice(server.length + 2) } : null;
}

export async function runMcpToolCall(runner: RunningTurn, thread: LoadedThread, call: ResponseItem): Promise<ToolOutput> {
  const set = mcpOf(thread);
  const callId = String(call.call_id ?? '');
  const name = String(call.name ?? '');
  let args: Record<string, unknown>;
  try {
    const parsed = JSON.parse(String(call.arguments ?? '{}') || '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('arguments must be a JSON object');
    args = parsed;
  } catch (error) {
    return `failed to parse function arguments: ${(error as Error).message}`;
  }
  if (typeof call.namespace !== 'string' && RESOURCE_TOOL_NAMES.has(name)) return callResourceTool(runner, set, callId, name, args);

  const target = targetOf(call, set);
  const connection = target ? set.get(target.server) : undefined;
  const listed = connection?.allowedTools.find((tool) => tool.name === target!.tool);
  // As in the reference: a tool the thread never offered has no item, only this output.
  if (!target || !connection || (connection.state === 'ready' && !listed)) return `unsupported call: ${typeof call.namespace === 'string' ? call.namespace : ''}${name}`;

  const hookTool: ToolUse = { toolName: hookToolName(target.server, target.tool), toolUseId: callId, toolInput: args };
  const hooks = lifecycleHooks();
  const pre = await hooks.preToolUse(runner.hookContext(), hookTool);
  if (pre.additionalContext?.length) thread.appendHistory(pre.additionalContext.map(developerMessage), runner.id);
  if (pre.blocked) return `Tool call blocked by PreToolUse hook: ${pre.reason ?? 'no reason given'}. Tool: ${hookTool.toolName}`;

  const annotations = (listed?.annotations ?? {}) as { readOnlyHint?: boolean };
  const item: McpToolCallItem = {
    type: 'mcpToolCall',
    id: callId,
    server: target.server,
    tool: target.tool,
    status: 'inProgress',
    arguments: args,
    appContext: null,
    mcpAppUi: null,
    pluginId: null,
    readOnlyHint: typeof annotations.readOnlyHint === 'boolean' ? annotations.readOnlyHint : null,
    result: null,
    error: null,
    durationMs: null,
  };
  const started = Date.now();
  runner.notifyItem('started', item);

  if (thread.approvalPolicy !== 'never' && item.readOnlyHint !== true && !runner.state.sessionApprovals.isCommandAllowed(hookTool.toolName)) {
    const approved = await askApproval(runner, thread, connection, target, args, listed);
    if (!approved) return fail(runner, item, started, 'user rejected MCP tool call');
  }

  let result: CallToolResult;
  try {
    result = await connection.callTool(target.tool, args, runner.abort.signal);
  } catch (error) {
    if (runner.abort.signal.aborted) {
      fail(runner, item, started, 'aborted by user');
      runner.throwIfAborted();
    }
    return fail(runner, item, started, `tool call error: tool call failed for \`${target.server}/${target.tool}\`\n\nCaused by:\n    ${(error as Error).message}`);
  }
  item.durationMs = Date.now() - started;
  item.result = { content: Array.isArray(result.content) ? result.content : [], structuredContent: result.structuredContent ?? null, _meta: result._meta ?? null };
  item.status = result.isError ? 'failed' : 'completed';
  runner.notifyItem('completed', { ...item });

  const output = resultOutput(result, Date.now() - started);
  const post = await hooks.postToolUse(runner.hookContext(), hookTool, { content: item.result.content, structuredContent: result.structuredContent ?? null });
  if (post.additionalContext?.length) thread.appendHistory(post.additionalContext.map(developerMessage), runner.id);
  return post.blocked && post.reason ? post.reason : output;
}

function fail(runner: RunningTurn, item: McpToolCallItem, started: number, message: string): ToolOutput {
  item.status = 'failed';
  item.error = { message };
  item.durationMs = Date.now() - started;
  runner.notifyItem('completed', { ...item });
  return errorOutput(message, Date.now() - started);
}

/** The reference asks with an elicitation (form mode, empty schema) naming the server and tool. */
async function askApproval(
  runner: RunningTurn,
  thread: LoadedThread,
  connection: McpConnection,
  target: McpCallTarget,
  args: Record<string, unknown>,
  tool: { title?: string; description?: string } | undefined,
): Promise<boolean> {
  const permission = await lifecycleHooks().permissionRequest(runner.hookContext(), { toolName: hookToolName(target.server, target.tool), toolUseId: '', toolInput: args });
  if (permission.decision) return permission.decision === 'allow';
  const answer = await requestElicitation(
    thread,
    answeringClient(thread),
    {
      threadId: thread.id,
      turnId: runner.id,
      serverName: connection.name,
      mode: 'form',
      _meta: {
        codex_approval_kind: 'mcp_tool_call',
        persist: ['session', 'always'],
        tool_name: target.tool,
        ...(tool?.title ? { tool_title: tool.title } : {}),
        ...(tool?.description ? { tool_description: tool.description } : {}),
        tool_params: args,
        tool_params_display: Object.entries(args).map(([name, value]) => ({ name, value, display_name: name })),
      },
      message: `Allow the ${connection.name} MCP server to run tool "${target.tool}"?`,
      requestedSchema: { type: 'object', properties: {} },
    },
    runner.abort.signal,
  );
  runner.throwIfAborted();
  const persist = (answer._meta as { persist?: unknown } | null)?.persist;
  if (answer.action === 'accept' && (persist === 'session' || persist === 'always')) runner.state.sessionApprovals.allowCommand(hookToolName(target.server, target.tool));
  return answer.action === 'accept';
}
