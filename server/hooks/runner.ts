/**
 * Runs one hook command: `/bin/sh -c <command>` in the session's cwd, the event
 * JSON on stdin, stdout and stderr captured. A hook that outlives its timeout
 * is killed with its whole process group.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not run to completion (spawn failure, timeout). */
  error: string | null;
  startedAt: number;
  completedAt: number;
  durationMs: number;
}

const MAX_OUTPUT = 1024 * 1024;

export function runHookCommand(command: string, input: string, cwd: string, timeoutSec: number, env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let error: string | null = null;
    let settled = false;
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const finish = (exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const completed = Date.now();
      resolve({
        exitCode,
        stdout,
        stderr,
        error,
        startedAt: Math.floor(started / 1000),
        completedAt: Math.floor(completed / 1000),
        durationMs: completed - started,
      });
    };
    const timer = setTimeout(() => {
      error = `hook timed out after ${timeoutSec}s`;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutSec * 1000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    child.on('error', (spawnError) => {
      error = `failed to run hook: ${spawnError.message}`;
      finish(null);
    });
    child.on('close', (code) => finish(error ? null : code));
    // A background process the hook left behind may hold stdout open: do not wait for it.
    child.on('exit', (code) => setTimeout(() => finish(error ? null : code), 250).unref());
    // A hook that does not read stdin must not make us crash with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
