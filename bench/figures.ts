/**
 * The server figures, each measured the same way on our server and on the
 * reference, against the same scripted model. A measurement returns its
 * samples; `NotImplemented` marks a feature our server lacks at bench time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchClient, RpcResponseError, treeRssBytes, type Which } from './lib/client';
import { quantile } from './lib/stats';
import { recordTemplate, writeClonedThreads, writeLongThread, type RolloutTemplate } from './lib/storedThreads';
import { reply, type ScriptedModel } from '../test/helpers/scriptedModel';
import type { Summary, Unit } from './lib/stats';
import { fuzzySearchGroup } from './fuzzySearch';

export class NotImplemented extends Error {}

export type Outcome = { summary: Summary } | { unavailable: string };

export interface FigureResult extends FigureDefinition {
  ours: Outcome;
  reference?: Outcome;
  /** ours / reference medians. */
  ratio?: number;
}

export interface BenchResults {
  date: string;
  machine: string;
  reps: number;
  referenceVersion: string;
  figures: FigureResult[];
}


export interface BenchContext {
  model: ScriptedModel;
  reps: number;
  /** Scratch folder for homes and workspaces (deleted at the end). */
  scratch: string;
  template?: RolloutTemplate;
}

interface FigureDefinition {
  key: string;
  label: string;
  unit: Unit;
  /** Which direction is better, for reading the ratio. */
  better: 'lower' | 'higher';
}

/** Several figures come from one measurement run (cold start and idle RSS; p50 and p95). */
export interface MeasurementGroup {
  figures: FigureDefinition[];
  /** Returns the samples of each figure, keyed by figure key. */
  measure(which: Which, context: BenchContext): Promise<Record<string, number[]>>;
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh CODEX_HOME pointed at the scripted model, and a workspace folder. */
export function freshHome(context: BenchContext, label: string): { home: string; workspace: string } {
  const home = fs.mkdtempSync(path.join(context.scratch, `${label}-home-`));
  const workspace = fs.mkdtempSync(path.join(context.scratch, `${label}-ws-`));
  context.model.writeConfig(home);
  return { home, workspace };
}

/** Turns "method not found" into NotImplemented; other errors stay errors. */
export async function call<T = any>(client: BenchClient, method: string, params?: unknown, timeoutMs?: number): Promise<T> {
  try {
    return await client.request<T>(method, params, timeoutMs);
  } catch (error) {
    if (error instanceof RpcResponseError && error.code === -32601) throw new NotImplemented(`${method} not implemented`);
    throw error;
  }
}

export const textInput = (text: string) => [{ type: 'text', text, text_elements: [] }];

export async function startThread(client: BenchClient, workspace: string): Promise<string> {
  const { thread } = await call(client, 'thread/start', { cwd: workspace, approvalPolicy: 'never', sandbox: 'danger-full-access' });
  return thread.id;
}

export async function withServer<T>(which: Which, home: string, cwd: string, body: (client: BenchClient) => Promise<T>): Promise<T> {
  const { client } = await BenchClient.start(which, home, cwd);
  try {
    return await body(client);
  } finally {
    await client.stop();
  }
}

const startupGroup: MeasurementGroup = {
  figures: [
    { key: 'coldStartMs', label: 'Cold start (spawn → initialize response)', unit: 'ms', better: 'lower' },
    { key: 'idleRssMb', label: 'Idle RSS after initialize', unit: 'MB', better: 'lower' },
  ],
  async measure(which, context) {
    const { home, workspace } = freshHome(context, `start-${which}`);
    // The first start creates the home's files; the figures are for later starts.
    await withServer(which, home, workspace, async () => undefined);
    const cold: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < context.reps; i++) {
      const { client, coldStartMs } = await BenchClient.start(which, home, workspace);
      cold.push(coldStartMs);
      await sleep(2000);
      rss.push(treeRssBytes(client.child.pid!) / MB);
      await client.stop();
    }
    return { coldStartMs: cold, idleRssMb: rss };
  },
};

const textTurnGroup: MeasurementGroup = {
  figures: [
    { key: 'firstDeltaMs', label: 'Text turn: turn/start → first agentMessage delta', unit: 'ms', better: 'lower' },
    { key: 'textTurnMs', label: 'Text turn: turn/start → turn/completed', unit: 'ms', better: 'lower' },
  ],
  async measure(which, context) {
    const { home, workspace } = freshHome(context, `text-${which}`);
    return withServer(which, home, workspace, async (client) => {
      const firstDelta: number[] = [];
      const whole: number[] = [];
      const text = 'The quick brown fox jumps over the lazy dog. '.repeat(8);
      // One warm-up turn, not counted.
      for (let i = -1; i < context.reps; i++) {
        const threadId = await startThread(client, workspace);
        client.reset();
        context.model.enqueue(reply.text(text));
        const sent = performance.now();
        await call(client, 'turn/start', { threadId, input: textInput(`say something ${i}`) });
        const delta = await client.waitFor('item/agentMessage/delta', (p) => p.threadId === threadId);
        const completed = await client.waitFor('turn/completed', (p) => p.threadId === threadId);
        if (completed.params.turn.status !== 'completed') throw new Error(`turn ended ${completed.params.turn.status}`);
        if (i < 0) continue;
        firstDelta.push(delta.at - sent);
        whole.push(completed.at - sent);
      }
      return { firstDeltaMs: firstDelta, textTurnMs: whole };
    });
  },
};

const commandTurnGroup: MeasurementGroup = {
  figures: [{ key: 'commandTurnMs', label: 'One-command turn: turn/start → turn/completed', unit: 'ms', better: 'lower' }],
  async measure(which, context) {
    const { home, workspace } = freshHome(context, `cmd-${which}`);
    return withServer(which, home, workspace, async (client) => {
      const samples: number[] = [];
      for (let i = -1; i < context.reps; i++) {
        const threadId = await startThread(client, workspace);
        client.reset();
        context.model.enqueue(reply.call('exec_command', { cmd: `echo bench-${i}`, yield_time_ms: 5000 }), reply.text('done'));
        const sent = performance.now();
        await call(client, 'turn/start', { threadId, input: textInput('run the command') });
        const completed = await client.waitFor('turn/completed', (p) => p.threadId === threadId);
        const command = client.notifications.find((n) => n.method === 'item/completed' && n.params.item?.type === 'commandExecution');
        if (!command) throw new NotImplemented('no commandExecution item (command tool not implemented)');
        if (!String(command.params.item.aggregatedOutput ?? '').includes(`bench-${i}`)) {
          throw new Error(`command output missing: ${JSON.stringify(command.params.item).slice(0, 300)}`);
        }
        if (i >= 0) samples.push(completed.at - sent);
      }
      return { commandTurnMs: samples };
    });
  },
};

const streamingGroup: MeasurementGroup = {
  figures: [{ key: 'streamDeltasPerSec', label: 'Streaming a 1 MB reply in 64-byte deltas', unit: 'deltas/s', better: 'higher' }],
  async measure(which, context) {
    const { home, workspace } = freshHome(context, `stream-${which}`);
    const chunkSize = 64;
    const chunks = Array.from({ length: MB / chunkSize }, (_, i) => `${String(i).padStart(7, '0')} ${'x'.repeat(chunkSize - 9)}\n`);
    const text = chunks.join('');
    return withServer(which, home, workspace, async (client) => {
      client.countOnly.add('item/agentMessage/delta');
      const rates: number[] = [];
      for (let i = 0; i < context.reps; i++) {
        const threadId = await startThread(client, workspace);
        client.reset();
        context.model.enqueue(reply.text(text, chunks));
        await call(client, 'turn/start', { threadId, input: textInput('stream a lot') });
        const first = await client.waitFor('item/agentMessage/delta', (p) => p.threadId === threadId);
        const completed = await client.waitFor('turn/completed', (p) => p.threadId === threadId, 300_000);
        if (completed.params.turn.status !== 'completed') throw new Error(`turn ended ${completed.params.turn.status}`);
        const received = client.count('item/agentMessage/delta');
        const last = client.lastAt.get('item/agentMessage/delta')!;
        rates.push(((received - 1) / (last - first.at)) * 1000);
      }
      return { streamDeltasPerSec: rates };
    });
  },
};

const THREAD_COUNT = 10_000;
const LONG_THREAD_ITEMS = 2_000;

export async function template(context: BenchContext): Promise<RolloutTemplate> {
  if (!context.template) {
    const { home } = freshHome(context, 'template');
    context.template = await recordTemplate(context.model, home);
  }
  return context.template;
}

const threadListGroup: MeasurementGroup = {
  figures: [
    { key: 'threadListP50Ms', label: `thread/list p50 over ${THREAD_COUNT.toLocaleString('en-US')} stored threads`, unit: 'ms', better: 'lower' },
    { key: 'threadListP95Ms', label: `thread/list p95 over ${THREAD_COUNT.toLocaleString('en-US')} stored threads`, unit: 'ms', better: 'lower' },
  ],
  async measure(which, context) {
    const { home, workspace } = freshHome(context, `list-${which}`);
    writeClonedThreads(await template(context), home, THREAD_COUNT, workspace);
    const p50: number[] = [];
    const p95: number[] = [];
    for (let rep = 0; rep < context.reps; rep++) {
      await withServer(which, home, workspace, async (client) => {
        // Page through everything once: proves all threads are listed and warms any index.
        let listed = 0;
        let cursor: string | null = null;
        do {
          const page: any = await call(client, 'thread/list', { limit: 100, cursor }, 300_000);
          listed += page.data.length;
          cursor = page.nextCursor;
        } while (cursor);
        if (listed < THREAD_COUNT) throw new Error(`only ${listed} of ${THREAD_COUNT} threads listed`);
        const times: number[] = [];
        for (let i = 0; i < 100; i++) {
          const started = performance.now();
          const page: any = await call(client, 'thread/list', { limit: 50 });
          times.push(performance.now() - started);
          if (page.data.length !== 50) throw new Error(`first page has ${page.data.length} threads`);
        }
        p50.push(quantile(times, 0.5));
        p95.push(quantile(times, 0.95));
      });
    }
    return { threadListP50Ms: p50, threadListP95Ms: p95 };
  },
};

const threadReadGroup: MeasurementGroup = {
  figures: [
    { key: 'threadReadMs', label: `thread/read of a ${LONG_THREAD_ITEMS.toLocaleString('en-US')}-item thread (fresh process)`, unit: 'ms', better: 'lower' },
  ],
  async measure(which, context) {
    const { home, workspace } = freshHome(context, `read-${which}`);
    const threadId = writeLongThread(await template(context), home, LONG_THREAD_ITEMS, workspace);
    const samples: number[] = [];
    for (let rep = 0; rep < context.reps; rep++) {
      await withServer(which, home, workspace, async (client) => {
        const started = performance.now();
        const result: any = await call(client, 'thread/read', { threadId, includeTurns: true }, 300_000);
        samples.push(performance.now() - started);
        const items = result.thread.turns.reduce((n: number, turn: any) => n + turn.items.length, 0);
        if (items !== LONG_THREAD_ITEMS) throw new Error(`thread/read returned ${items} items, expected ${LONG_THREAD_ITEMS}`);
      });
    }
    return { threadReadMs: samples };
  },
};

const interruptGroup: MeasurementGroup = {
  figures: [{ key: 'interruptMs', label: 'turn/interrupt → turn/completed (interrupted)', unit: 'ms', better: 'lower' }],
  async measure(which, context) {
    const { home, workspace } = freshHome(context, `interrupt-${which}`);
    return withServer(which, home, workspace, async (client) => {
      const samples: number[] = [];
      for (let i = -1; i < context.reps; i++) {
        const threadId = await startThread(client, workspace);
        client.reset();
        const chunks = Array.from({ length: 400 }, (_, n) => `word${n} `);
        context.model.enqueue({ items: [{ type: 'message', text: chunks.join(''), chunks }], eventDelayMs: 25 });
        const { turn } = await call(client, 'turn/start', { threadId, input: textInput('talk slowly') });
        await client.waitFor('item/agentMessage/delta', (p) => p.threadId === threadId);
        const sent = performance.now();
        await call(client, 'turn/interrupt', { threadId, turnId: turn.id });
        const completed = await client.waitFor('turn/completed', (p) => p.threadId === threadId);
        if (completed.params.turn.status !== 'interrupted') throw new Error(`turn ended ${completed.params.turn.status}, not interrupted`);
        if (i >= 0) samples.push(completed.at - sent);
      }
      return { interruptMs: samples };
    });
  },
};

export const serverGroups: MeasurementGroup[] = [
  startupGroup,
  textTurnGroup,
  commandTurnGroup,
  streamingGroup,
  threadListGroup,
  threadReadGroup,
  interruptGroup,
  fuzzySearchGroup,
];

export function machineDescription(): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}
