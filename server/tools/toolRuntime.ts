/**
 * Runs the tool calls of one model response while its stream goes on, as the
 * reference does: a call starts as soon as its output item is complete; calls
 * of tools that are safe side by side (commands) overlap, any other call runs
 * alone; the outputs come back in call order, whatever order the calls
 * finished in.
 */
import type { ResponseItem, ToolOutput } from '../providers/modelClient';

interface ToolRuntimeOptions {
  /** Runs one call and returns the text the model reads back; throws when the turn was interrupted. */
  execute(call: ResponseItem): Promise<ToolOutput>;
  /** Whether the call may overlap with other calls that may. */
  runsInParallel(call: ResponseItem): boolean;
}

interface DrainResult {
  /** One `function_call_output` / `custom_tool_call_output` per call, in call order. */
  outputs: ResponseItem[];
  /** The first error a call threw (an interrupt), after every call settled; null if none. */
  error: unknown;
}

type Settled = { ok: true; output: ToolOutput } | { ok: false; error: unknown; elapsedMs: number };

/** Tools whose calls may run concurrently: each command runs in its own process. */
const PARALLEL_TOOLS = new Set(['exec_command', 'shell', 'shell_command']);

export function isParallelSafe(call: ResponseItem): boolean {
  return call.type === 'function_call' && PARALLEL_TOOLS.has(String(call.name ?? ''));
}

export class ToolRuntime {
  private readonly inFlight: { call: ResponseItem; settled: Promise<Settled> }[] = [];
  private readonly gate = new ReadWriteGate();

  constructor(private readonly options: ToolRuntimeOptions) {}

  /** How many calls were dispatched. */
  get count(): number {
    return this.inFlight.length;
  }

  /** Starts a call now (or as soon as the calls it must not overlap with are done). */
  dispatch(call: ResponseItem): void {
    const exclusive = !this.options.runsInParallel(call);
    const settled = (async (): Promise<Settled> => {
      const release = await this.gate.acquire(exclusive);
      const started = Date.now();
      try {
        return { ok: true, output: await this.options.execute(call) };
      } catch (error) {
        return { ok: false, error, elapsedMs: Date.now() - started };
      } finally {
        release();
      }
    })();
    this.inFlight.push({ call, settled });
  }

  /**
   * Waits for every dispatched call. A call cut short by an interrupt still gets
   * an output ("aborted by user", as the reference records it), so the history
   * never holds a call without its output.
   */
  async drain(): Promise<DrainResult> {
    const outputs: ResponseItem[] = [];
    let error: unknown = null;
    for (const { call, settled } of this.inFlight) {
      const result = await settled;
      if (!result.ok && error === null) error = result.error;
      const output = result.ok ? result.output : `Wall time: ${(result.elapsedMs / 1000).toFixed(1)} seconds\naborted by user`;
      outputs.push({ type: call.type === 'custom_tool_call' ? 'custom_tool_call_output' : 'function_call_output', call_id: call.call_id, output });
    }
    return { outputs, error };
  }
}

/**
 * A first-come-first-served read/write gate: shared holders overlap, an
 * exclusive holder runs alone. Waiters are served in arrival order, so a call
 * never overtakes an earlier one it must not overlap with.
 */
class ReadWriteGate {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: { exclusive: boolean; grant: () => void }[] = [];

  acquire(exclusive: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push({
        exclusive,
        grant: () => {
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            if (exclusive) this.exclusive = false;
            else this.shared--;
            this.admit();
          });
        },
      });
      this.admit();
    });
  }

  private admit(): void {
    while (this.waiting.length) {
      const next = this.waiting[0];
      const free = next.exclusive ? !this.exclusive && this.shared === 0 : !this.exclusive;
      if (!free) return;
      this.waiting.shift();
      if (next.exclusive) this.exclusive = true;
      else this.shared++;
      next.grant();
    }
  }
}
