/**
 * exec_command / write_stdin sessions: a command that is still running when
 * its yield time ends keeps a session id; the model polls it or writes to it
 * with write_stdin. Sessions belong to a thread and are killed with it (or
 * on interrupt).
 */
import { randomBytes } from 'node:crypto';
import { RunningProcess, type SpawnSpec } from './process';
import { approxTokenCount, DEFAULT_MAX_OUTPUT_TOKENS, truncateMiddle } from './truncate';

export const DEFAULT_YIELD_MS = 10_000;
const MIN_YIELD_MS = 250;
const MAX_YIELD_MS = 30_000;
export const WRITE_YIELD_MS = 250;
export const POLL_YIELD_MS = 5_000;

export const clampYield = (ms: number | undefined, fallback: number) => Math.min(MAX_YIELD_MS, Math.max(MIN_YIELD_MS, ms ?? fallback));

export interface ExecSession {
  id: number;
  process: RunningProcess;
  /** The commandExecution item this process belongs to. */
  itemId: string;
  /** The command as the model wrote it (the spec's argv may be wrapped by the sandbox). */
  command: string;
}

export class ExecSessionStore {
  private nextId = 1000;
  private readonly sessions = new Map<number, ExecSession>();

  start(spec: SpawnSpec, itemId: string, command: string): ExecSession {
    const session = { id: this.nextId++, process: new RunningProcess(spec), itemId, command };
    this.sessions.set(session.id, session);
    void session.process.waitForExit().then(() => {
      // Keep the session briefly so a final write_stdin poll can read the last output.
      setTimeout(() => this.sessions.delete(session.id), 60_000).unref();
    });
    return session;
  }

  get(id: number): ExecSession | undefined {
    return this.sessions.get(id);
  }

  running(): ExecSession[] {
    return [...this.sessions.values()].filter((s) => !s.process.exited);
  }

  /** Kills every running process group; resolves once they are gone (or after 1 s). */
  async killAll(): Promise<void> {
    const running = this.running();
    for (const session of running) session.process.kill('SIGKILL');
    await Promise.race([Promise.all(running.map((s) => s.process.waitForExit())), new Promise((r) => setTimeout(r, 1000))]);
  }
}

/** What the model reads back from exec_command and write_stdin. */
export function formatExecResult(result: { wallTimeMs: number; exitCode: number | null; sessionId: number | null; output: string; maxOutputTokens?: number }): string {
  const lines = [`Chunk ID: ${randomBytes(3).toString('hex')}`, `Wall time: ${(result.wallTimeMs / 1000).toFixed(4)} seconds`];
  if (result.exitCode !== null) lines.push(`Process exited with code ${result.exitCode}`);
  else if (result.sessionId !== null) lines.push(`Process running with session ID ${result.sessionId}`);
  lines.push(`Original token count: ${approxTokenCount(result.output)}`);
  lines.push('Output:');
  return `${lines.join('\n')}\n${truncateMiddle(result.output, result.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS)}`;
}

/** POSIX shell quoting for display (`/bin/bash -lc 'echo hi'`). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-+=.,/:@%]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
