/**
 * `thread/shellCommand`: the user's own `!command`. As with the reference it
 * runs as a turn of its own (turn/started → commandExecution item with source
 * `userShell` and live output → turn/completed), unsandboxed with full access
 * (the reference's documented behaviour), in the thread's cwd with the login
 * shell. Its result joins the conversation as a `<user_shell_command>` user
 * message, so the model sees it on the next turn.
 */
import { v4 as uuidv4 } from 'uuid';
import { invalidParams, invalidRequest } from '../rpc/errors';
import type { CommandExecutionItem, Turn } from '../../protocol/items';
import { RunningProcess } from '../tools/process';
import { shellQuote } from '../tools/exec';
import { parseCommandActions } from '../tools/commandActions';
import { defaultShell } from '../sandbox/bubblewrap';
import { turnStateOf } from '../turn/state';
import type { LoadedThread, ResponseItem } from './loadedThread';

/** Without `timeoutMs` a command may run for an hour, as in the reference. */
const DEFAULT_TIMEOUT_MS = 60 * 60 * 1000;
const OPENING_TAG = '<user_shell_command>';

/** Whether a history item is the record of a user shell command (not context the model was given). */
export function isUserShellRecord(item: ResponseItem): boolean {
  if (item.type !== 'message' || item.role !== 'user' || !Array.isArray(item.content)) return false;
  const first = item.content[0] as { text?: unknown } | undefined;
  return typeof first?.text === 'string' && first.text.startsWith(OPENING_TAG);
}

/** The conversation record of one command (the reference's wording and layout). */
function userShellRecord(command: string, exitCode: number, durationMs: number, output: string): ResponseItem {
  const text = [
    OPENING_TAG,
    '<command>',
    command,
    '</command>',
    '<result>',
    `Exit code: ${exitCode}`,
    `Duration: ${(durationMs / 1000).toFixed(4)} seconds`,
    'Output:',
    output,
    '</result>',
    '</user_shell_command>',
  ].join('\n');
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** Starts the command; the RPC answers at once and the turn runs on. */
export function startUserShellCommand(thread: LoadedThread, command: string, timeoutMs: number | null | undefined): Record<string, never> {
  if (!command.trim()) throw invalidParams('Invalid params: command: must not be empty');
  if (timeoutMs !== null && timeoutMs !== undefined && timeoutMs < 0) throw invalidParams('Invalid params: timeoutMs: must not be negative');
  const state = turnStateOf(thread);
  if (state.active || state.userShell) throw invalidRequest(`thread ${thread.id} has a turn in progress; wait for it or interrupt it first`);
  const turn = thread.beginTurn();
  thread.setStatus({ type: 'active', activeFlags: [] });
  thread.notify('turn/started', { threadId: thread.id, turn: { ...turn, items: [], itemsView: 'notLoaded' } });
  const argv = [defaultShell(), '-lc', command];
  const process = new RunningProcess({ argv, cwd: thread.cwd, env: { ...globalThis.process.env, PAGER: 'cat', GIT_PAGER: 'cat', CODEX_THREAD_ID: thread.id }, tty: false });
  state.userShell = { turnId: turn.id, interrupted: false, kill: () => process.kill() };
  setImmediate(() => void runToEnd(thread, turn, command, argv, process, timeoutMs ?? DEFAULT_TIMEOUT_MS));
  return {};
}

async function runToEnd(thread: LoadedThread, turn: Turn, command: string, argv: string[], process: RunningProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const item: CommandExecutionItem = {
    type: 'commandExecution',
    id: uuidv4(),
    pluginId: null,
    scriptPath: null,
    command: argv.map(shellQuote).join(' '),
    cwd: thread.cwd,
    processId: null,
    source: 'userShell',
    status: 'inProgress',
    commandActions: parseCommandActions(command, thread.cwd),
    aggregatedOutput: null,
    exitCode: null,
    durationMs: null,
    startedAtMs: started,
    completedAtMs: null,
  };
  const at = { threadId: thread.id, turnId: turn.id };
  thread.notify('item/started', { item: { ...item }, ...at, startedAtMs: started });
  process.onOutput((delta) => thread.notify('item/commandExecution/outputDelta', { ...at, itemId: item.id, delta }));
  let timedOut = false;
  const exit = await process.waitForExitOrTimeout(timeoutMs);
  if (!exit) {
    timedOut = true;
    process.kill();
  }
  const { exitCode } = exit ?? (await process.waitForExit());
  const completedAt = Date.now();
  const output = process.aggregatedOutput + (timedOut ? `\ncommand timed out after ${timeoutMs} ms\n` : '');
  Object.assign(item, { status: exitCode === 0 ? 'completed' : 'failed', exitCode, aggregatedOutput: output, durationMs: completedAt - started, completedAtMs: completedAt });
  thread.recordItem(turn.id, item);
  thread.notify('item/completed', { item, ...at, contentTokenCount: null, completedAtMs: completedAt });
  thread.appendHistory([userShellRecord(command, exitCode, completedAt - started, output)], turn.id);
  const interrupted = turnStateOf(thread).userShell?.interrupted ?? false;
  turnStateOf(thread).userShell = null;
  const ended = thread.completeTurn(turn.id, interrupted ? 'interrupted' : 'completed');
  thread.setStatus({ type: 'idle' });
  thread.notify('turn/completed', { threadId: thread.id, turn: { ...ended, items: [], itemsView: 'notLoaded' } });
}
