/**
 * Runs the model's tool calls as thread items: exec_command / write_stdin
 * (commandExecution), apply_patch (fileChange, also when sent as an
 * `apply_patch <<'EOF'` heredoc through exec_command) and update_plan
 * (turn/plan/updated). Approvals, the sandbox and tool hooks apply here.
 * Each handler returns the text the model reads back.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppServer } from '../core/appServer';
import type { CommandExecutionItem, FileChangeItem, FileUpdateChange, SandboxPolicy } from '../../protocol/items';
import type { ApprovalRequestMethod, ServerRequestParams } from '../../protocol';
import type { ResponseItem, ToolOutput } from '../providers/modelClient';
import { isMcpCall, runMcpToolCall } from '../mcp/toolCall';
import type { LoadedThread } from '../thread/loadedThread';
import { commandVerdict, patchVerdict, retryUnsandboxedOnFailure } from '../approvals/policy';
import { endApprovalWait, requestApproval, type ApprovalDecision } from '../approvals/request';
import { defaultShell, SandboxSetupError, sandboxCommand } from '../sandbox/bubblewrap';
import { patchWriteDenial } from '../sandbox/protectedPaths';
import { applyPlan, extractHeredocPatch, parsePatch, PatchError, planPatch, summarizeChanges, type PlannedChange } from '../tools/applyPatch';
import { parseCommandActions } from '../tools/commandActions';
import { clampYield, DEFAULT_YIELD_MS, formatExecResult, POLL_YIELD_MS, shellQuote, WRITE_YIELD_MS, type ExecSession } from '../tools/exec';
import { lifecycleHooks, type ToolUse } from './lifecycleHooks';
import { developerMessage } from './context';
import type { RunningTurn } from './runningTurn';

export interface ToolCallContext {
  runner: RunningTurn;
  thread: LoadedThread;
  server: AppServer;
}

export async function runToolCall(ctx: ToolCallContext, call: ResponseItem): Promise<ToolOutput> {
  try {
    return await dispatchToolCall(ctx, call);
  } catch (error) {
    // An interrupt unwinds the turn; any other failure is the tool's result, so the model can react.
    if (ctx.runner.abort.signal.aborted || ctx.runner.cancelled) throw error;
    return `${String(call.name ?? 'tool')} failed: ${(error as Error)?.message ?? String(error)}`;
  }
}

async function dispatchToolCall(ctx: ToolCallContext, call: ResponseItem): Promise<ToolOutput> {
  if (isMcpCall(call)) return runMcpToolCall(ctx.runner, ctx.thread, call);
  const name = String(call.name ?? '');
  const callId = String(call.call_id ?? '');
  let args: Record<string, unknown>;
  if (call.type === 'custom_tool_call') {
    args = { input: String(call.input ?? '') };
  } else {
    try {
      args = JSON.parse(String(call.arguments ?? '{}') || '{}');
      if (!args || typeof args !== 'object' || Array.isArray(args)) throw new Error('arguments must be a JSON object');
    } catch (error) {
      return `failed to parse function arguments: ${(error as Error).message}`;
    }
  }
  switch (name) {
    case 'exec_command':
    case 'shell':
    case 'shell_command':
      return execCommand(ctx, callId, args);
    case 'write_stdin':
      return writeStdin(ctx, args);
    case 'apply_patch':
      if (typeof args.input !== 'string') return 'apply_patch needs an `input` string with the patch';
      return applyPatchTool(ctx, callId, args.input, ctx.thread.cwd, 'apply_patch');
    case 'update_plan':
      return updatePlan(ctx, args);
    default:
      return `unsupported call: ${name}`;
  }
}

// ------------------------------------------------------------------ exec_command

const asNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

async function execCommand(ctx: ToolCallContext, callId: string, args: Record<string, unknown>): Promise<string> {
  const { runner, thread } = ctx;
  const cmd = typeof args.cmd === 'string' ? args.cmd : typeof args.command === 'string' ? args.command : Array.isArray(args.command) ? args.command.join(' ') : '';
  if (!cmd.trim()) return 'exec_command needs a non-empty `cmd`';
  const cwd = path.resolve(thread.cwd, typeof args.workdir === 'string' ? args.workdir : '.');
  if (!isDirectory(cwd)) return `exec_command failed: workdir ${cwd} is not a directory`;

  const heredoc = extractHeredocPatch(cmd);
  if (heredoc) {
    // `workdir` and `cd DIR &&` only set where the patch's relative paths start; the thread's policy decides what it may write.
    const patchCwd = heredoc.cd ? path.resolve(cwd, heredoc.cd) : cwd;
    if (!isDirectory(patchCwd)) return formatExecResult({ wallTimeMs: 0, exitCode: 1, sessionId: null, output: `cd: ${heredoc.cd}: No such directory` });
    const started = Date.now();
    const result = await applyPatchTool(ctx, callId, heredoc.patch, patchCwd, 'apply_patch');
    const ok = result.startsWith('Success.');
    return formatExecResult({ wallTimeMs: Date.now() - started, exitCode: ok ? 0 : 1, sessionId: null, output: result });
  }

  const shell = typeof args.shell === 'string' && args.shell ? args.shell : defaultShell();
  const login = args.login !== false;
  const argv = [shell, login ? '-lc' : '-c', cmd];
  const item: CommandExecutionItem = {
    type: 'commandExecution',
    id: callId,
    pluginId: null,
    scriptPath: null,
    command: argv.map(shellQuote).join(' '),
    cwd,
    processId: null,
    source: 'unifiedExecStartup',
    status: 'inProgress',
    commandActions: parseCommandActions(cmd, cwd),
    aggregatedOutput: null,
    exitCode: null,
    durationMs: null,
  };
  const tool: ToolUse = { toolName: 'Bash', toolUseId: callId, toolInput: { command: cmd } };
  const hooks = lifecycleHooks();
  const pre = await hooks.preToolUse(runner.hookContext(), tool);
  if (pre.additionalContext?.length) thread.appendHistory(pre.additionalContext.map(developerMessage), runner.id);
  if (pre.blocked) return `Command blocked by PreToolUse hook: ${pre.reason ?? 'no reason given'}. Command: ${cmd}`;

  const escalated = args.sandbox_permissions === 'require_escalated';
  let sandbox: SandboxPolicy = thread.sandbox;
  let itemStarted = false;
  const startItem = () => {
    if (itemStarted) return;
    itemStarted = true;
    runner.notifyItem('started', item);
  };

  const verdict = runner.state.sessionApprovals.isCommandAllowed(cmd) ? ({ action: 'unsandboxed' } as const) : commandVerdict(thread.approvalPolicy, thread.sandbox, { cmd, escalated });
  if (verdict.action === 'reject') {
    startItem();
    item.status = 'declined';
    item.aggregatedOutput = verdict.reason;
    runner.notifyItem('completed', { ...item });
    return `exec command rejected: ${verdict.reason}`;
  }
  if (verdict.action === 'ask') {
    item.source = 'agent';
    const reason = typeof args.justification === 'string' ? args.justification : null;
    const decision = await askCommandApproval(ctx, item, tool, reason, startItem);
    if (decision !== 'accept' && decision !== 'acceptForSession') return declineCommand(ctx, item, startItem, decision);
    settleApprovalWait(runner);
    if (decision === 'acceptForSession') runner.state.sessionApprovals.allowCommand(cmd);
    sandbox = { type: 'dangerFullAccess' };
    item.source = 'unifiedExecStartup';
  } else if (verdict.action === 'unsandboxed') {
    sandbox = { type: 'dangerFullAccess' };
  }

  const yieldMs = clampYield(asNumber(args.yield_time_ms), DEFAULT_YIELD_MS);
  const maxOutputTokens = asNumber(args.max_output_tokens);
  const tty = args.tty === true;
  const started = Date.now();
  let run = startProcess(ctx, item, cmd, argv, cwd, sandbox, tty, startItem);
  let exit = await run.process.waitForExitOrTimeout(yieldMs, runner.abort.signal);

  if (exit && exit.exitCode !== 0 && sandbox.type !== 'dangerFullAccess' && retryUnsandboxedOnFailure(thread.approvalPolicy, run.process.aggregatedOutput) && !runner.abort.signal.aborted) {
    const decision = await askCommandApproval(ctx, item, tool, `The command failed in the sandbox (exit ${exit.exitCode}). Run it again without the sandbox?`, startItem);
    settleApprovalWait(runner);
    if (decision === 'accept' || decision === 'acceptForSession') {
      if (decision === 'acceptForSession') runner.state.sessionApprovals.allowCommand(cmd);
      run = startProcess(ctx, item, cmd, argv, cwd, { type: 'dangerFullAccess' }, tty, startItem);
      exit = await run.process.waitForExitOrTimeout(yieldMs, runner.abort.signal);
    } else if (decision === 'cancel') {
      runner.cancelled = true;
    }
  }

  if (runner.abort.signal.aborted) {
    run.process.kill();
    const final = await run.process.waitForExitOrTimeout(1000);
    completeCommand(runner, item, run, final?.exitCode ?? 137, started);
    runner.throwIfAborted();
  }
  const output = run.process.takeUnread();
  let result: string;
  if (exit) {
    completeCommand(runner, item, run, exit.exitCode, started);
    result = formatExecResult({ wallTimeMs: Date.now() - started, exitCode: exit.exitCode, sessionId: null, output, maxOutputTokens });
  } else {
    // Still running: the model continues with write_stdin; the item completes when the process exits.
    void run.process.waitForExit().then((info) => completeCommand(runner, item, run, info.exitCode, started));
    result = formatExecResult({ wallTimeMs: Date.now() - started, exitCode: null, sessionId: run.id, output, maxOutputTokens });
  }
  const post = await hooks.postToolUse(runner.hookContext(), tool, result);
  if (post.additionalContext?.length) thread.appendHistory(post.additionalContext.map(developerMessage), runner.id);
  return post.blocked && post.reason ? post.reason : result;
}

async function askCommandApproval(
  ctx: ToolCallContext,
  item: CommandExecutionItem,
  tool: ToolUse,
  reason: string | null,
  startItem: () => void,
): Promise<ApprovalDecision> {
  const { runner, thread } = ctx;
  const permission = await lifecycleHooks().permissionRequest(runner.hookContext(), tool);
  if (permission.decision === 'allow') return 'accept';
  if (permission.decision === 'deny') {
    item.aggregatedOutput = permission.reason ?? 'denied by a PermissionRequest hook';
    return 'decline';
  }
  const params: ServerRequestParams<'item/commandExecution/requestApproval'> = {
    kind: 'command',
    threadId: thread.id,
    turnId: runner.id,
    itemId: item.id,
    startedAtMs: Date.now(),
    environmentId: 'local',
    reason,
    command: item.command,
    cwd: item.cwd,
    commandActions: item.commandActions,
  };
  return askClient(runner, 'item/commandExecution/requestApproval', params, startItem);
}

/** Sends one approval request; concurrent tool calls may each have one open. */
async function askClient<M extends ApprovalRequestMethod>(
  runner: RunningTurn,
  method: M,
  params: ServerRequestParams<M>,
  startItem: () => void,
): Promise<ApprovalDecision> {
  runner.approvalsPending++;
  try {
    return await requestApproval(runner.thread, runner.approver(), method, params, runner.abort.signal, startItem);
  } finally {
    runner.approvalsPending--;
  }
}

/** Drops `waitingOnApproval` once the call's item is settled, unless another call still waits for an answer. */
function settleApprovalWait(runner: RunningTurn): void {
  if (runner.approvalsPending === 0) endApprovalWait(runner.thread);
}

function declineCommand(ctx: ToolCallContext, item: CommandExecutionItem, startItem: () => void, decision: ApprovalDecision): string {
  startItem();
  item.status = 'declined';
  ctx.runner.notifyItem('completed', { ...item });
  settleApprovalWait(ctx.runner);
  if (decision === 'cancel') ctx.runner.cancelled = true;
  return item.aggregatedOutput ? `exec command rejected: ${item.aggregatedOutput}` : 'exec command rejected by user';
}

function startProcess(
  ctx: ToolCallContext,
  item: CommandExecutionItem,
  /** The model's `cmd`, as background terminals list it. */
  cmd: string,
  argv: string[],
  cwd: string,
  sandbox: SandboxPolicy,
  tty: boolean,
  startItem: () => void,
): ExecSession {
  const { runner, thread } = ctx;
  // Writable roots come from the thread's policy and cwd; the command's own cwd (its `workdir`) grants nothing.
  let wrapped: ReturnType<typeof sandboxCommand>;
  try {
    wrapped = sandboxCommand(sandbox, thread.cwd, cwd, argv);
  } catch (error) {
    if (!(error instanceof SandboxSetupError)) throw error;
    wrapped = { argv: ['/bin/sh', '-c', 'printf "%s\\n" "$1" >&2; exit 1', 'sandbox', `cannot sandbox the command: ${error.message}`], sandboxed: false, warning: null, release: () => {} };
  }
  if (wrapped.warning && !runner.state.warned.has(wrapped.warning)) {
    runner.state.warned.add(wrapped.warning);
    thread.notify('warning', { threadId: thread.id, message: wrapped.warning });
  }
  const env: NodeJS.ProcessEnv = { ...process.env, PAGER: 'cat', GIT_PAGER: 'cat', NO_COLOR: '1', CODEX_THREAD_ID: thread.id };
  if (wrapped.sandboxed) env.CODEX_SANDBOX = 'bubblewrap';
  if (sandbox.type !== 'dangerFullAccess' && !(sandbox.type === 'workspaceWrite' || sandbox.type === 'readOnly' ? sandbox.networkAccess : true)) {
    env.CODEX_SANDBOX_NETWORK_DISABLED = '1';
  }
  let session: ExecSession;
  try {
    session = runner.state.execSessions.start({ argv: wrapped.argv, cwd, env, tty }, item.id, cmd);
  } catch (error) {
    wrapped.release();
    throw error;
  }
  void session.process.waitForExit().then(wrapped.release, wrapped.release);
  item.processId = String(session.process.pid);
  startItem();
  session.process.onOutput((chunk) => {
    thread.notify('item/commandExecution/outputDelta', { threadId: thread.id, turnId: runner.id, itemId: item.id, delta: chunk });
  });
  return session;
}

function completeCommand(runner: RunningTurn, item: CommandExecutionItem, run: ExecSession, exitCode: number, started: number): void {
  if (item.status !== 'inProgress') return;
  item.status = exitCode === 0 ? 'completed' : 'failed';
  item.exitCode = exitCode;
  item.aggregatedOutput = run.process.aggregatedOutput;
  item.durationMs = Date.now() - started;
  runner.notifyItem('completed', { ...item });
}

// ------------------------------------------------------------------ write_stdin

async function writeStdin(ctx: ToolCallContext, args: Record<string, unknown>): Promise<string> {
  const id = asNumber(args.session_id) ?? Number(args.session_id);
  const session = ctx.runner.state.execSessions.get(id);
  if (!session) return `write_stdin failed: no running session with id ${String(args.session_id)}`;
  const chars = typeof args.chars === 'string' ? args.chars : '';
  const started = Date.now();
  if (chars) {
    if (session.process.exited) return `write_stdin failed: session ${id} has exited`;
    session.process.write(chars);
    ctx.thread.notify('item/commandExecution/terminalInteraction', {
      threadId: ctx.thread.id,
      turnId: ctx.runner.id,
      itemId: session.itemId,
      processId: String(session.process.pid),
      stdin: chars,
    });
  }
  const exit = await session.process.waitForExitOrTimeout(clampYield(asNumber(args.yield_time_ms), chars ? WRITE_YIELD_MS : POLL_YIELD_MS), ctx.runner.abort.signal);
  return formatExecResult({
    wallTimeMs: Date.now() - started,
    exitCode: exit?.exitCode ?? null,
    sessionId: exit ? null : session.id,
    output: session.process.takeUnread(),
    maxOutputTokens: asNumber(args.max_output_tokens),
  });
}

// ------------------------------------------------------------------ apply_patch

async function applyPatchTool(ctx: ToolCallContext, callId: string, patchText: string, cwd: string, toolName: string): Promise<string> {
  const { runner, thread } = ctx;
  let planned: PlannedChange[];
  try {
    planned = planPatch(parsePatch(patchText), cwd);
  } catch (error) {
    if (error instanceof PatchError) return `apply_patch verification failed: ${error.message}`;
    throw error;
  }
  const changes: FileUpdateChange[] = planned.map((c) => ({
    path: c.path,
    kind: c.kind === 'update' ? { type: 'update', move_path: c.movePath } : { type: c.kind },
    diff: c.diff ?? '',
  }));
  const item: FileChangeItem = { type: 'fileChange', id: callId, changes, status: 'inProgress' };
  const tool: ToolUse = { toolName, toolUseId: callId, toolInput: { command: patchText } };
  const hooks = lifecycleHooks();
  const pre = await hooks.preToolUse(runner.hookContext(), tool);
  if (pre.additionalContext?.length) thread.appendHistory(pre.additionalContext.map(developerMessage), runner.id);
  if (pre.blocked) return `Command blocked by PreToolUse hook: ${pre.reason ?? 'no reason given'}. Command: apply_patch`;

  const touched = planned.flatMap((c) => (c.movePath ? [c.path, c.movePath] : [c.path]));
  let itemStarted = false;
  const startItem = () => {
    if (itemStarted) return;
    itemStarted = true;
    runner.notifyItem('started', item);
  };
  // Checked against the thread's policy and cwd, never the directory the patch was applied from.
  const denials = touched.map((file) => patchWriteDenial(thread.sandbox, thread.cwd, file)).filter((d): d is string => d !== null);
  const verdict = runner.state.sessionApprovals.arePathsAllowed(touched) ? ({ action: 'apply' } as const) : patchVerdict(thread.approvalPolicy, denials.length === 0);
  if (verdict.action === 'reject') return `patch rejected: ${verdict.reason}${denials.length ? `: ${denials.join('; ')}` : ''}`;
  if (verdict.action === 'ask') {
    const permission = await hooks.permissionRequest(runner.hookContext(), tool);
    let decision: ApprovalDecision;
    if (permission.decision === 'allow') decision = 'accept';
    else if (permission.decision === 'deny') decision = 'decline';
    else {
      // The reference shows the pending file change before it asks.
      startItem();
      const params = { threadId: thread.id, turnId: runner.id, itemId: callId, startedAtMs: Date.now(), reason: null, grantRoot: null };
      decision = await askClient(runner, 'item/fileChange/requestApproval', params, startItem);
    }
    if (decision !== 'accept' && decision !== 'acceptForSession') {
      startItem();
      item.status = 'declined';
      runner.notifyItem('completed', item);
      settleApprovalWait(runner);
      if (decision === 'cancel') runner.cancelled = true;
      return permission.decision === 'deny' && permission.reason ? `patch rejected: ${permission.reason}` : 'patch rejected by user';
    }
    settleApprovalWait(runner);
    if (decision === 'acceptForSession') runner.state.sessionApprovals.allowPaths(touched);
  }

  startItem();
  let result: string;
  try {
    for (const file of touched) runner.diff.remember(file);
    applyPlan(planned);
    item.status = 'completed';
    result = summarizeChanges(planned, cwd);
  } catch (error) {
    item.status = 'failed';
    result = `apply_patch failed: ${(error as Error).message}`;
  }
  runner.notifyItem('completed', item);
  if (item.status === 'completed') runner.emitDiff();
  const post = await hooks.postToolUse(runner.hookContext(), tool, result);
  return post.blocked && post.reason ? post.reason : result;
}

// ------------------------------------------------------------------ update_plan

const PLAN_STATUS: Record<string, 'pending' | 'inProgress' | 'completed'> = {
  pending: 'pending',
  in_progress: 'inProgress',
  inProgress: 'inProgress',
  completed: 'completed',
};

function updatePlan(ctx: ToolCallContext, args: Record<string, unknown>): string {
  if (!Array.isArray(args.plan)) return 'update_plan needs a `plan` array of { step, status }';
  const plan = [];
  for (const entry of args.plan as { step?: unknown; status?: unknown }[]) {
    const status = PLAN_STATUS[String(entry?.status)];
    if (typeof entry?.step !== 'string' || !status) return `invalid plan step ${JSON.stringify(entry)}: status must be pending, in_progress or completed`;
    plan.push({ step: entry.step, status });
  }
  ctx.thread.notify('turn/plan/updated', {
    threadId: ctx.thread.id,
    turnId: ctx.runner.id,
    explanation: typeof args.explanation === 'string' ? args.explanation : null,
    plan,
  });
  return 'Plan updated';
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
