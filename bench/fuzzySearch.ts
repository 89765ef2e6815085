/**
 * fuzzyFileSearch over a 50,000-file tree: the first query (which walks the
 * tree) and the p50 of queries typed after it (what the `@` list costs per
 * keystroke), for both servers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchClient, type Which } from './lib/client';
import { quantile } from './lib/stats';

/** What this group needs of figures.ts's BenchContext (kept structural: figures.ts imports this file). */
interface FuzzyBenchContext {
  model: { writeConfig(home: string): void };
  reps: number;
  scratch: string;
}

const FUZZY_TREE_FILES = 50_000;
const WORDS = ['alpha', 'beta', 'config', 'render', 'server', 'client', 'widget', 'parser', 'thread', 'index', 'model', 'view', 'store', 'util', 'event', 'query', 'cache', 'route', 'theme', 'table'];
const QUERIES = ['ren', 'srvidx', 'config', 'tblvw', 'mdl/q', 'cache12', 'wdgt', 'evnt3', 'thread/st', 'ab'];

/** 50 packages × 20 modules × 50 files, with words and numbers in their names. */
function ensureTree(context: FuzzyBenchContext): string {
  const root = path.join(context.scratch, 'fuzzy-tree');
  if (fs.existsSync(root)) return root;
  for (let p = 0; p < 50; p++) {
    for (let m = 0; m < 20; m++) {
      const dir = path.join(root, `${WORDS[p % WORDS.length]}Pkg${p}`, `${WORDS[(p + m) % WORDS.length]}_mod${m}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < FUZZY_TREE_FILES / 1000; f++) fs.writeFileSync(path.join(dir, `${WORDS[(p * 7 + m * 3 + f) % WORDS.length]}${f}.ts`), '');
    }
  }
  return root;
}

export const fuzzySearchGroup = {
  figures: [
    { key: 'fuzzySearchFirstMs', label: `fuzzyFileSearch, first query on a ${FUZZY_TREE_FILES.toLocaleString('en-US')}-file tree`, unit: 'ms' as const, better: 'lower' as const },
    { key: 'fuzzySearchNextP50Ms', label: `fuzzyFileSearch, p50 of the next queries (${FUZZY_TREE_FILES.toLocaleString('en-US')} files)`, unit: 'ms' as const, better: 'lower' as const },
  ],
  async measure(which: Which, context: FuzzyBenchContext) {
    const root = ensureTree(context);
    const home = fs.mkdtempSync(path.join(context.scratch, `fuzzy-${which}-home-`));
    context.model.writeConfig(home);
    const first: number[] = [];
    const next: number[] = [];
    for (let rep = 0; rep < context.reps; rep++) {
      const { client } = await BenchClient.start(which, home, root);
      try {
        let started = performance.now();
        const answer: any = await client.request('fuzzyFileSearch', { query: 'srv', roots: [root] }, 120_000);
        first.push(performance.now() - started);
        if (!answer.files?.length) throw new Error('no results for "srv"');
        const times: number[] = [];
        for (const query of QUERIES) {
          started = performance.now();
          await client.request('fuzzyFileSearch', { query, roots: [root] }, 120_000);
          times.push(performance.now() - started);
        }
        next.push(quantile(times, 0.5));
      } finally {
        await client.stop();
      }
    }
    return { fuzzySearchFirstMs: first, fuzzySearchNextP50Ms: next };
  },
};
