/**
 * One `process/spawn` process: a RunningProcess (real PTY or pipes, own process group) plus what
 * the protocol adds on top: per-stream byte caps, base64 `process/outputDelta` streaming or
 * buffering, the timeout (exit 124) and the final `process/exited`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProcessExitedNotification, ProcessOutputDeltaNotification } from '../../protocol';
import { RunningProcess } from '../tools/process';

export interface SpawnedProcessOptions {
  handle: string;
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  tty: boolean;
  streamStdin: boolean;
  streamOutput: boolean;
  /** Bytes per stream; Infinity for none. */
  cap: number;
  /** null: no timeout. */
  timeoutMs: number | null;
  size?: { rows: number; cols: number } | null;
  onDelta: (delta: ProcessOutputDeltaNotification) => void;
  onExited: (exited: ProcessExitedNotification) => void;
}

interface Capture {
  chunks: Buffer[];
  bytes: number;
  capReached: boolean;
}

export class SpawnedProcess {
  readonly process: RunningProcess;
  private readonly captured: Record<'stdout' | 'stderr', Capture> = {
    stdout: { chunks: [], bytes: 0, capReached: false },
    stderr: { chunks: [], bytes: 0, capReached: false },
  };
  private timedOut = false;

  /** Throws (with the reason) when the program cannot be started. */
  constructor(readonly options: SpawnedProcessOptions) {
    const missing = unlaunchable(options.argv[0], options.cwd, options.env);
    if (missing) throw new Error(missing);
    this.process = new RunningProcess({ argv: options.argv, cwd: options.cwd, env: options.env, tty: options.tty, cols: options.size?.cols, rows: options.size?.rows });
    if (this.process.pid <= 0) throw new Error(`cannot start ${options.argv[0]}`);
    this.process.onOutput((chunk, stream) => this.onOutput(Buffer.from(chunk, 'utf8'), stream));
    if (!options.streamStdin && !options.tty) this.process.closeStdin();
    const timer = options.timeoutMs === null ? null : setTimeout(() => {
      this.timedOut = true;
      this.process.kill();
    }, options.timeoutMs);
    void this.process.waitForExit().then((exit) => {
      if (timer) clearTimeout(timer);
      const text = (capture: Capture) => Buffer.concat(capture.chunks).toString('utf8');
      options.onExited({
        processHandle: options.handle,
        // Like the reference: a timed-out process exits 124, with no message added to its output.
        exitCode: this.timedOut ? 124 : exit.exitCode,
        outputDrainTimedOut: false,
        stdout: text(this.captured.stdout),
        stdoutCapReached: this.captured.stdout.capReached,
        stderr: text(this.captured.stderr),
        stderrCapReached: this.captured.stderr.capReached,
      });
    });
  }

  get acceptsStdin(): boolean {
    return this.options.streamStdin || this.options.tty;
  }

  private onOutput(bytes: Buffer, stream: 'stdout' | 'stderr'): void {
    const capture = this.captured[stream];
    if (capture.capReached) return;
    let kept = bytes;
    if (capture.bytes + kept.length > this.options.cap) {
      kept = kept.subarray(0, Math.max(0, this.options.cap - capture.bytes));
      capture.capReached = true;
    }
    capture.bytes += kept.length;
    if (this.options.streamOutput) {
      this.options.onDelta({ processHandle: this.options.handle, stream, deltaBase64: kept.toString('base64'), capReached: capture.capReached });
    } else {
      capture.chunks.push(kept);
    }
  }
}

/**
 * Why `program` cannot be executed, or null. Checked up front because a PTY child that fails to
 * exec only reports exit code 1, and the reference answers `process/spawn` with an error instead.
 */
function unlaunchable(program: string, cwd: string, env: NodeJS.ProcessEnv): string | null {
  const executable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes('/')) return executable(path.resolve(cwd, program)) ? null : `${program}: No such file or not executable`;
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => executable(path.join(dir, program))) ? null : `${program}: not found in PATH`;
}
