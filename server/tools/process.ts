/**
 * A running command: in a real PTY (node-pty) or with plain pipes, always in
 * its own process group so that interrupting kills everything it started.
 * Output is kept whole (for `aggregatedOutput`) and as an unread tail (for
 * `write_stdin` polls).
 */
import fs from 'node:fs';
import os from 'node:os';
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import type * as NodePty from 'node-pty';

/** node-pty (a native addon) loads on the first PTY command, not at server start. */
let nodePty: typeof NodePty | undefined;
function loadNodePty(): typeof NodePty {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (nodePty ??= require('node-pty') as typeof NodePty);
}

export interface SpawnSpec {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  tty: boolean;
  cols?: number;
  rows?: number;
}

/** Output kept per process: the first and the last half MiB (a noisy process cannot exhaust memory). */
const KEEP_HEAD_CHARS = 512 * 1024;
const KEEP_TAIL_CHARS = 512 * 1024;

interface ExitInfo {
  exitCode: number;
  signal: string | null;
}

export class RunningProcess {
  readonly startedAt = Date.now();
  readonly pid: number;
  private outputHead = '';
  private outputTail = '';
  private omittedChars = 0;
  private unread = '';
  private unreadOmitted = 0;
  private exitInfo: ExitInfo | null = null;
  /** Why the program could not be started at all (not found, not executable), if so. */
  spawnError: Error | null = null;
  private readonly dataListeners: ((chunk: string, stream: 'stdout' | 'stderr') => void)[] = [];
  private readonly exitWaiters: ((info: ExitInfo) => void)[] = [];
  private readonly dataWaiters: (() => void)[] = [];
  private readonly terminal: NodePty.IPty | null = null;
  private readonly child: ChildProcess | null = null;

  constructor(readonly spec: SpawnSpec) {
    const [file, ...args] = spec.argv;
    if (spec.tty) {
      this.terminal = loadNodePty().spawn(file, args, {
        name: 'xterm-256color',
        cwd: spec.cwd,
        env: spec.env as Record<string, string>,
        cols: spec.cols ?? 120,
        rows: spec.rows ?? 30,
      });
      this.pid = this.terminal.pid;
      this.terminal.onData((data) => this.onData(data, 'stdout'));
      readLastOutputBeforeTeardown(this.terminal, (data) => this.onData(data, 'stdout'));
      this.terminal.onExit(({ exitCode, signal }) => this.onExit({ exitCode: signal ? 128 + signal : exitCode, signal: signal ? String(signal) : null }));
    } else {
      // detached: the child leads a new process group, so kill(-pid) reaches its descendants.
      const child = spawnChild(file, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      this.child = child;
      this.pid = child.pid ?? -1;
      child.stdout!.setEncoding('utf8').on('data', (data: string) => this.onData(data, 'stdout'));
      child.stderr!.setEncoding('utf8').on('data', (data: string) => this.onData(data, 'stderr'));
      child.stdin!.on('error', () => {
        /* the process may close stdin early */
      });
      child.on('error', (error) => {
        if (this.pid === -1) this.spawnError = error;
        this.onData(`${error.message}\n`, 'stderr');
        this.onExit({ exitCode: 127, signal: null });
      });
      const exitInfo = (code: number | null, signal: NodeJS.Signals | null): ExitInfo => ({ exitCode: code ?? (signal ? 128 + signalNumber(signal) : 1), signal });
      child.on('close', (code, signal) => this.onExit(exitInfo(code, signal)));
      // A background child may keep the pipes open after the command itself ended; don't wait for it forever.
      child.on('exit', (code, signal) => setTimeout(() => this.onExit(exitInfo(code, signal)), 500).unref());
    }
  }

  get exited(): ExitInfo | null {
    return this.exitInfo;
  }

  /** Everything the process printed (the middle is elided past 1 MiB). */
  get aggregatedOutput(): string {
    const marker = this.omittedChars ? `\n…${this.omittedChars} characters omitted…\n` : '';
    return this.outputHead + marker + this.outputTail;
  }

  onOutput(listener: (chunk: string, stream: 'stdout' | 'stderr') => void): void {
    this.dataListeners.push(listener);
  }

  /** Output produced since the last call. */
  takeUnread(): string {
    const text = this.unreadOmitted ? `${this.unread.slice(0, KEEP_HEAD_CHARS)}\n…${this.unreadOmitted} characters omitted…\n${this.unread.slice(KEEP_HEAD_CHARS)}` : this.unread;
    this.unread = '';
    this.unreadOmitted = 0;
    return text;
  }

  write(data: string | Buffer): void {
    if (this.exitInfo) throw new Error('the process has exited');
    if (this.terminal) this.terminal.write(typeof data === 'string' ? data : data.toString('utf8'));
    else this.child!.stdin!.write(data);
  }

  closeStdin(): void {
    if (this.terminal) this.terminal.write('\x04');
    else this.child?.stdin?.end();
  }

  resize(cols: number, rows: number): void {
    if (!this.terminal) throw new Error('resize needs a PTY (tty: true)');
    this.terminal.resize(cols, rows);
  }

  /** Kills the whole process group (SIGKILL unless told otherwise). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exiting || this.pid <= 0) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        process.kill(this.pid, signal);
      } catch {
        /* already gone */
      }
    }
  }

  waitForExit(): Promise<ExitInfo> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Resolves on exit or after `ms`, whichever comes first. */
  async waitForExitOrTimeout(ms: number, signal?: AbortSignal): Promise<ExitInfo | null> {
    if (this.exitInfo) return this.exitInfo;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.exitInfo), ms);
      const done = () => {
        clearTimeout(timer);
        resolve(this.exitInfo);
      };
      this.exitWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private onData(chunk: string, stream: 'stdout' | 'stderr'): void {
    this.keep(chunk);
    for (const listener of this.dataListeners) listener(chunk, stream);
    for (const waiter of this.dataWaiters.splice(0)) waiter();
  }

  private keep(chunk: string): void {
    let rest = chunk;
    if (this.outputHead.length < KEEP_HEAD_CHARS) {
      const room = KEEP_HEAD_CHARS - this.outputHead.length;
      this.outputHead += rest.slice(0, room);
      rest = rest.slice(room);
    }
    this.outputTail += rest;
    if (this.outputTail.length > KEEP_TAIL_CHARS) {
      this.omittedChars += this.outputTail.length - KEEP_TAIL_CHARS;
      this.outputTail = this.outputTail.slice(-KEEP_TAIL_CHARS);
    }
    this.unread += chunk;
    const limit = KEEP_HEAD_CHARS + KEEP_TAIL_CHARS;
    if (this.unread.length > limit) {
      this.unreadOmitted += this.unread.length - limit;
      this.unread = this.unread.slice(0, KEEP_HEAD_CHARS) + this.unread.slice(-KEEP_TAIL_CHARS);
    }
  }

  private exiting = false;

  private onExit(info: ExitInfo): void {
    if (this.exiting) return;
    this.exiting = true;
    // Let node-pty flush the last output before announcing the exit.
    setTimeout(() => {
      this.exitInfo = info;
      for (const waiter of this.exitWaiters.splice(0)) waiter(info);
    }, this.terminal ? 30 : 0);
  }
}

/**
 * After the child exits, node-pty (1.1, pinned) waits at most 200 ms for its read stream to end,
 * then destroys it. On a loaded machine the child's last output can still be on its way then,
 * and was dropped (seen as a `write_stdin` reply without the command's final line). So, just
 * before that teardown, take what the stream has buffered and what the PTY still holds. The
 * master fd is non-blocking: this never waits. Relies on node-pty internals (`_socket`, `_fd`,
 * `_boundClose`); without them nothing changes.
 */
export function readLastOutputBeforeTeardown(terminal: NodePty.IPty, onData: (text: string) => void): void {
  const internals = terminal as unknown as {
    _socket?: { destroy(...args: unknown[]): unknown; read(): string | Buffer | null };
    _fd?: number;
    _boundClose?: boolean;
  };
  const socket = internals._socket;
  const fd = internals._fd;
  if (!socket || typeof socket.destroy !== 'function' || typeof fd !== 'number') return;
  const destroy = socket.destroy.bind(socket);
  let drained = false;
  socket.destroy = (...args: unknown[]) => {
    // `_boundClose` is set once node-pty has seen the child exit: only then is the rest final.
    if (!drained && internals._boundClose) {
      drained = true;
      let rest = '';
      for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) rest += chunk.toString();
      rest += readAvailable(fd);
      if (rest) onData(rest);
    }
    return destroy(...args);
  };
}

/** Whatever can be read from a non-blocking fd right now (EAGAIN or EIO end it), at most 4 MiB. */
function readAvailable(fd: number): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (let i = 0; i < 64; i++) {
    let count = 0;
    try {
      count = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch {
      break;
    }
    if (count <= 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, count)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The signal's number on this platform (SIGSEGV is 11 on Linux), so exit codes read 128 + n as in a shell. */
function signalNumber(signal: NodeJS.Signals): number {
  return os.constants.signals[signal] ?? 1;
}
