/**
 * The default transport: spawns the app-server as a child process and speaks
 * JSONL over its stdin/stdout. Its stderr is forwarded line by line to a log
 * sink (the "Codex Server" output channel).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { JsonlMessageReader, JsonlMessageWriter } from './jsonl';
import type { ServerTransport, TransportExit } from './transport';

interface ProcessTransportOptions {
  command: string;
  args: string[];
  cwd?: string;
  /** Added to the extension host's environment. */
  env?: Record<string, string>;
  /** Receives each stderr line of the server. */
  onStderrLine?: (line: string) => void;
}

export class ProcessTransport implements ServerTransport {
  readonly reader: JsonlMessageReader;
  readonly writer: JsonlMessageWriter;
  readonly description: string;
  private readonly exitListeners = new Set<(exit: TransportExit) => void>();
  private exitInfo: TransportExit | undefined;
  private readonly exited: Promise<TransportExit>;

  private constructor(
    private readonly child: ChildProcess,
    options: ProcessTransportOptions,
  ) {
    this.description = `${[options.command, ...options.args].join(' ')}${child.pid ? ` (pid ${child.pid})` : ''}`;
    this.reader = new JsonlMessageReader(child.stdout!);
    this.writer = new JsonlMessageWriter(child.stdin!);
    // EPIPE on a dying server surfaces here; the exit event reports the death itself.
    child.stdin!.on('error', () => this.writer.markClosed());
    let stderrBuffer = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderrBuffer += chunk;
      let newline: number;
      while ((newline = stderrBuffer.indexOf('\n')) >= 0) {
        options.onStderrLine?.(stderrBuffer.slice(0, newline).replace(/\r$/, ''));
        stderrBuffer = stderrBuffer.slice(newline + 1);
      }
    });
    this.exited = new Promise((resolve) => {
      const finish = (exit: TransportExit) => {
        if (this.exitInfo) return;
        if (stderrBuffer) options.onStderrLine?.(stderrBuffer);
        stderrBuffer = '';
        this.exitInfo = exit;
        this.writer.markClosed();
        for (const listener of [...this.exitListeners]) listener(exit);
        resolve(exit);
      };
      child.on('error', (error) => finish({ code: null, reason: `could not start ${options.command}: ${error.message}` }));
      child.on('exit', (code, signal) =>
        finish({ code, signal, reason: signal ? `was stopped by ${signal}` : `exited with code ${code}` }),
      );
    });
  }

  static start(options: ProcessTransportOptions): ProcessTransport {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    return new ProcessTransport(child, options);
  }

  get isClosed(): boolean {
    return this.exitInfo !== undefined || this.writer.isClosed;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  onExit(listener: (exit: TransportExit) => void): { dispose(): void } {
    if (this.exitInfo) {
      const info = this.exitInfo;
      queueMicrotask(() => listener(info));
      return { dispose: () => undefined };
    }
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  async close(): Promise<void> {
    if (this.exitInfo) return;
    this.writer.markClosed();
    this.child.stdin?.end();
    this.child.kill('SIGTERM');
    const forceKill = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(forceKill);
  }
}
