/**
 * Long-session figures: the cost of a compaction turn, and opening a long
 * thread the way the chat does (resume without turns, then the newest page of
 * items and the outcomes of their turns) next to a full `thread/resume`.
 */
import type { BenchClient } from './lib/client';
import { writeLongThread } from './lib/storedThreads';
import { call, freshHome, NotImplemented, startThread, template, textInput, withServer, type MeasurementGroup } from './figures';
import { reply } from '../test/helpers/scriptedModel';

/** Turns in the thread a compaction summarizes. */
const COMPACTED_TURNS = 10;
const LONG_TURNS = 2_000;
const SHORT_TURNS = 20;
/** The chat's first page (extension/chat/threadPager.ts). */
const PAGE_ITEMS = 150;

export const compactionGroup: MeasurementGroup = {
  figures: [
    { key: 'compactTurnMs', label: `Compaction turn of a ${COMPACTED_TURNS}-turn thread: thread/compact/start → turn/completed`, unit: 'ms', better: 'lower' },
    { key: 'compactTextTurnMs', label: 'A text turn right after it: turn/start → turn/completed', unit: 'ms', better: 'lower' },
  ],
  async measure(which, context) {
    const { home, workspace } = freshHome(context, `compact-${which}`);
    return withServer(which, home, workspace, async (client) => {
      const compactTurnMs: number[] = [];
      const compactTextTurnMs: number[] = [];
      for (let rep = 0; rep < context.reps; rep++) {
        const threadId = await startThread(client, workspace);
        for (let turn = 0; turn < COMPACTED_TURNS; turn++) {
          context.model.enqueue(reply.text(`answer ${turn}: ${'detail '.repeat(50)}`));
          await call(client, 'turn/start', { threadId, input: textInput(`question ${turn}`) });
          await client.waitFor('turn/completed', (p) => p.threadId === threadId);
          client.reset();
        }
        context.model.enqueue(reply.text('A summary of the ten turns so far.'));
        const started = performance.now();
        await call(client, 'thread/compact/start', { threadId });
        const done = await client.waitFor('turn/completed', (p) => p.threadId === threadId);
        if (done.params.turn.status !== 'completed') throw new Error(`compaction turn ended ${done.params.turn.status}`);
        compactTurnMs.push(done.at - started);
        client.reset();
        context.model.enqueue(reply.text('after the compaction'));
        const next = performance.now();
        await call(client, 'turn/start', { threadId, input: textInput('go on') });
        const after = await client.waitFor('turn/completed', (p) => p.threadId === threadId);
        compactTextTurnMs.push(after.at - next);
        client.reset();
      }
      return { compactTurnMs, compactTextTurnMs };
    });
  },
};

/** What the chat does to show a stored thread: resume it without turns, then its newest page. */
async function openPaged(client: BenchClient, threadId: string, cwd: string): Promise<number> {
  await call(client, 'thread/resume', { threadId, cwd, excludeTurns: true }, 300_000);
  try {
    const page: any = await call(client, 'thread/items/list', { threadId, sortDirection: 'desc', limit: PAGE_ITEMS }, 300_000);
    await call(client, 'thread/turns/list', { threadId, sortDirection: 'desc', limit: 100, itemsView: 'notLoaded' }, 300_000);
    return page.data.length;
  } catch (error) {
    if (!(error instanceof NotImplemented)) throw error;
    // As the chat does when a server cannot page a thread's items (the reference, for file-only threads): whole turns.
    const page: any = await call(client, 'thread/turns/list', { threadId, sortDirection: 'desc', limit: Math.ceil(PAGE_ITEMS / 4), itemsView: 'full' }, 300_000);
    return Math.min(PAGE_ITEMS, page.data.reduce((n: number, turn: any) => n + turn.items.length, 0));
  }
}

function openGroup(key: string, turns: number, how: 'paged' | 'full'): MeasurementGroup {
  const label =
    how === 'paged'
      ? `Chat opens a ${turns.toLocaleString('en-US')}-turn thread (fresh process): resume without turns + newest ${PAGE_ITEMS} items`
      : `thread/resume of the ${turns.toLocaleString('en-US')}-turn thread with all its turns (fresh process)`;
  return {
    figures: [{ key, label, unit: 'ms', better: 'lower' }],
    async measure(which, context) {
      const { home, workspace } = freshHome(context, `${key}-${which}`);
      const threadId = writeLongThread(await template(context), home, turns * 2, workspace);
      const samples: number[] = [];
      for (let rep = 0; rep < context.reps; rep++) {
        await withServer(which, home, workspace, async (client) => {
          const started = performance.now();
          if (how === 'paged') {
            const shown = await openPaged(client, threadId, workspace);
            if (shown === 0 || shown > PAGE_ITEMS) throw new Error(`the newest page has ${shown} items`);
          } else {
            const result: any = await call(client, 'thread/resume', { threadId, cwd: workspace }, 300_000);
            if (result.thread.turns.length !== turns) throw new Error(`thread/resume returned ${result.thread.turns.length} turns, expected ${turns}`);
          }
          samples.push(performance.now() - started);
        });
      }
      return { [key]: samples };
    },
  };
}

export const historyGroups: MeasurementGroup[] = [
  compactionGroup,
  openGroup('openShortThreadMs', SHORT_TURNS, 'paged'),
  openGroup('openLongThreadMs', LONG_TURNS, 'paged'),
  openGroup('resumeLongThreadMs', LONG_TURNS, 'full'),
];
