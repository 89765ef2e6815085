/** Setup for the MCP tests: a scripted model, a codex home with MCP servers, either app-server. */
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir, type Which } from '../helpers/appServerProcess';
import { ScriptedModel, type ScriptedReply } from '../helpers/scriptedModel';
import { waitUntil } from './turnHelpers';

export interface McpRun {
  model: ScriptedModel;
  server: AppServerProcess;
  codexHome: string;
  cwd: string;
  threadId: string;
  /** Notifications of thread/start (the startup statuses), kept apart from the turn's. */
  startNotifications: { method: string; params: any }[];
}

const running = new Set<McpRun>();

export async function startMcpRun(
  which: Which,
  mcpToml: string,
  replies: ScriptedReply[],
  options: { approvalPolicy?: string; env?: Record<string, string>; beforeThread?: (server: AppServerProcess, cwd: string) => Promise<void> } = {},
): Promise<McpRun> {
  const model = await new ScriptedModel().start();
  const codexHome = makeTempDir('codex-home-');
  fs.mkdirSync(path.join(codexHome, 'tmp'));
  const cwd = makeTempDir('codex-work-');
  model.writeConfig(codexHome, { extra: `\n${mcpToml}` });
  if (options.approvalPolicy) {
    const file = path.join(codexHome, 'config.toml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('approval_policy = "never"', `approval_policy = "${options.approvalPolicy}"`));
  }
  model.enqueue(...replies);
  const server = await AppServerProcess.start(which, { codexHome, cwd, env: { TMPDIR: path.join(codexHome, 'tmp'), ...options.env } });
  try {
    await options.beforeThread?.(server, cwd);
    const { thread } = await server.request('thread/start', { cwd });
    // The reference answers thread/start before its servers are up and may sample without their
    // tools; both servers' runs wait here until every server reported ready or failed.
    const expected = (mcpToml.match(/^\[mcp_servers\.[^\]]+\]/gm) ?? []).length;
    await waitUntil('MCP servers started', () => {
      const statuses = startupStatuses(server.notifications);
      return Object.keys(statuses).length >= expected && Object.values(statuses).every((s) => s.length > 1);
    }, 30000);
    const startNotifications = [...server.notifications];
    server.clearNotifications();
    const run = { model, server, codexHome, cwd, threadId: thread.id, startNotifications };
    running.add(run);
    return run;
  } catch (error) {
    await server.stop();
    await model.stop();
    throw error;
  }
}

export async function stopMcpRun(run: McpRun | undefined): Promise<void> {
  if (!run) return;
  running.delete(run);
  await run.server.stop();
  await run.model.stop();
}

export async function stopAllMcpRuns(): Promise<void> {
  for (const run of [...running]) await stopMcpRun(run);
}

export async function turn(run: McpRun, text = 'use the tools', timeoutMs = 40000): Promise<any> {
  const { turn } = await run.server.request('turn/start', { threadId: run.threadId, input: [{ type: 'text', text, text_elements: [] }] });
  const completed = await run.server.waitFor('turn/completed', (p) => p.turn.id === turn.id, timeoutMs);
  return completed.params.turn;
}

/** Completed mcpToolCall items without timing fields. */
export function mcpItems(run: McpRun): any[] {
  return run.server.notifications
    .filter((n) => n.method === 'item/completed' && n.params.item.type === 'mcpToolCall')
    .map((n) => {
      const { startedAtMs: _s, completedAtMs: _c, durationMs: _d, ...item } = n.params.item;
      return item;
    });
}

/** The `function_call_output`s the model received in its last request, with wall times zeroed. */
export function outputsToModel(run: McpRun): any[] {
  const last = run.model.modelRequests[run.model.modelRequests.length - 1];
  const strip = (text: string) => text.replace(/Wall time: [0-9.]+ seconds/, 'Wall time: X seconds');
  return last.body.input
    .filter((item: any) => item.type === 'function_call_output')
    .map((item: any) => ({
      call_id: item.call_id,
      output: typeof item.output === 'string' ? strip(item.output) : item.output.map((part: any) => (part.type === 'input_text' ? { ...part, text: strip(part.text) } : part)),
    }));
}

/** The namespace tools of a model request. */
export function namespaceTools(run: McpRun, request = 0): any[] {
  return run.model.modelRequests[request].body.tools.filter((tool: any) => tool.type === 'namespace' && tool.name.startsWith('mcp__'));
}

/** `name: status` per startup notification, in order per server. */
export function startupStatuses(notifications: { method: string; params: any }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of notifications) if (n.method === 'mcpServer/startupStatus/updated') (out[n.params.name] ??= []).push(n.params.status);
  return out;
}
