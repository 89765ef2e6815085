/**
 * thread/list with 10,000 stored threads. The rollouts are generated directly
 * on disk (100 days × 100 threads, each a small but complete rollout), then
 * listed through the server. Latencies are measured and printed; there is no
 * timing assertion (machines differ), but the listing must be complete and
 * correctly ordered.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { dateFolder, rolloutFileName } from '../../server/rollout/format';

const THREADS = 10_000;

function writeRollouts(codexHome: string): string[] {
  const ids: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < THREADS; i++) {
    const created = new Date(start + Math.floor(i / 100) * 86_400_000 + (i % 100) * 60_000);
    const id = uuidv7({ msecs: created.getTime() });
    const dir = path.join(codexHome, 'sessions', ...dateFolder(created));
    if (i % 100 === 0) fs.mkdirSync(dir, { recursive: true });
    const at = created.toISOString();
    const turnId = uuidv7({ msecs: created.getTime() + 1 });
    const cwd = i % 2 === 0 ? '/work/even' : '/work/odd';
    const lines = [
      { timestamp: at, type: 'session_meta', payload: { id, session_id: id, timestamp: at, cwd, originator: 'scale', cli_version: 'test', source: 'vscode', model_provider: 'mock' } },
      { timestamp: at, type: 'turn_context', payload: { cwd, model: 'mock-model', approval_policy: 'never', sandbox_policy: { type: 'dangerFullAccess' } } },
      { timestamp: at, type: 'event_msg', payload: { type: 'task_started', turn_id: turnId, started_at: Math.floor(created.getTime() / 1000) } },
      {
        timestamp: at,
        type: 'event_msg',
        payload: { type: 'thread_item_completed', turn_id: turnId, item: { type: 'userMessage', id: `u${i}`, clientId: null, content: [{ type: 'text', text: `task number ${i}`, text_elements: [] }] } },
      },
      { timestamp: at, type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `task number ${i}` }] } },
      { timestamp: at, type: 'event_msg', payload: { type: 'task_complete', turn_id: turnId, completed_at: Math.floor(created.getTime() / 1000) } },
    ];
    fs.writeFileSync(path.join(dir, rolloutFileName(created, id)), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    ids.push(id);
  }
  return ids;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await fn();
  return [result, performance.now() - t0];
}

describe('thread/list at scale', function () {
  this.timeout(300000);

  it(`lists ${THREADS.toLocaleString('en')} stored threads through the index`, async () => {
    const codexHome = makeTempDir('scale-');
    const [ids, generateMs] = await time(async () => writeRollouts(codexHome));
    const newestFirst = [...ids].reverse();

    let server = await AppServerProcess.start('ours', { codexHome });
    try {
      const [first, coldMs] = await time(() => server.request('thread/list', { limit: 25 }, 120000));
      assert.deepEqual(first.data.map((t: any) => t.id), newestFirst.slice(0, 25));

      const warm: number[] = [];
      for (let i = 0; i < 30; i++) warm.push((await time(() => server.request('thread/list', { limit: 25 })))[1]);
      const filtered: number[] = [];
      for (let i = 0; i < 10; i++) {
        const [result, ms] = await time(() => server.request('thread/list', { limit: 25, cwd: '/work/odd', searchTerm: 'number 99' }));
        filtered.push(ms);
        assert.ok(result.data.every((t: any) => t.cwd === '/work/odd' && t.preview.includes('number 99')));
      }

      // Walk every page: complete and ordered.
      const seen: string[] = [];
      let cursor: string | null = null;
      const pageTimes: number[] = [];
      do {
        const [page, ms]: [any, number] = await time(() => server.request('thread/list', { limit: 200, cursor }));
        pageTimes.push(ms);
        seen.push(...page.data.map((t: any) => t.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.equal(seen.length, THREADS);
      assert.deepEqual(seen, newestFirst);

      await server.stop();
      server = await AppServerProcess.start('ours', { codexHome });
      const [, restartMs] = await time(() => server.request('thread/list', { limit: 25 }, 120000));
      const warmAfterRestart: number[] = [];
      for (let i = 0; i < 30; i++) warmAfterRestart.push((await time(() => server.request('thread/list', { limit: 25 })))[1]);

      console.log(
        [
          `      ${THREADS} rollouts generated in ${generateMs.toFixed(0)} ms`,
          `      first list, no index yet (scan + parse every rollout): ${coldMs.toFixed(0)} ms`,
          `      list p50 (limit 25, 30 calls): ${median(warm).toFixed(1)} ms`,
          `      list p50 with cwd + searchTerm filters: ${median(filtered).toFixed(1)} ms`,
          `      full walk, ${pageTimes.length} pages of 200: p50 ${median(pageTimes).toFixed(1)} ms per page`,
          `      after restart, first list (index load + stat check): ${restartMs.toFixed(0)} ms`,
          `      after restart, list p50: ${median(warmAfterRestart).toFixed(1)} ms`,
        ].join('\n'),
      );
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
      fs.rmSync(codexHome, { recursive: true, force: true });
    }
  });
});
