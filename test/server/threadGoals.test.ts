/** thread/goal/* (experimental) on our server: set, get, clear, persisted and replayed on resume. */
import assert from 'node:assert/strict';
import { AppServerProcess } from '../helpers/appServerProcess';
import { createStoredThread } from './threadFixtures';
import { rejects, settle, useServerPerTest } from './serverRig';

describe('thread goals on our server', function () {
  this.timeout(60000);
  const rig = useServerPerTest('thread-goal-test-');

  describe('thread/goal/*', () => {
    it('sets, updates, gets and clears a goal with notifications; persists it', async () => {
      const stored = createStoredThread(rig.codexHome, { cwd: rig.codexHome, turns: [{ user: 'hello', agent: 'hi' }] });
      const { thread } = await rig.server.request('thread/resume', { threadId: stored.id });
      await rig.server.waitFor('thread/goal/cleared');
      rig.server.clearNotifications();
      const set = await rig.server.request('thread/goal/set', { threadId: thread.id, objective: 'Make CI green', tokenBudget: 5000 });
      assert.equal(set.goal.status, 'active');
      assert.equal(set.goal.tokenBudget, 5000);
      const updated = await rig.server.request('thread/goal/set', { threadId: thread.id, status: 'paused' });
      assert.equal(updated.goal.objective, 'Make CI green');
      assert.equal(updated.goal.status, 'paused');
      assert.equal((await rig.server.request('thread/goal/get', { threadId: thread.id })).goal.status, 'paused');
      await settle(() => rig.server.methods((m) => m.startsWith('thread/goal')).length >= 2);
      assert.deepEqual(rig.server.methods((m) => m.startsWith('thread/goal')), ['thread/goal/updated', 'thread/goal/updated']);

      await rig.server.stop();
      rig.server = await AppServerProcess.start('ours', { codexHome: rig.codexHome });
      assert.equal((await rig.server.request('thread/goal/get', { threadId: thread.id })).goal.objective, 'Make CI green');
      assert.deepEqual(await rig.server.request('thread/goal/clear', { threadId: thread.id }), { cleared: true });
      await rig.server.waitFor('thread/goal/cleared', (p) => p.threadId === thread.id);
      assert.deepEqual(await rig.server.request('thread/goal/clear', { threadId: thread.id }), { cleared: false });
      assert.deepEqual(await rig.server.request('thread/goal/get', { threadId: thread.id }), { goal: null });
    });

    it('accepts 4,000 characters, rejects 4,001, and needs an objective to create', async () => {
      const { thread } = await rig.server.request('thread/start', { cwd: rig.codexHome });
      await rejects(rig.server.request('thread/goal/set', { threadId: thread.id, status: 'active' }), -32602, /objective/);
      await rejects(rig.server.request('thread/goal/set', { threadId: thread.id, objective: 'x'.repeat(4001) }), -32602, /objective.*4000/);
      const ok = await rig.server.request('thread/goal/set', { threadId: thread.id, objective: 'y'.repeat(4000) });
      assert.equal(ok.goal.objective.length, 4000);
    });

    it('needs no experimental capability, as in the reference (its stable schema has thread/goal/*)', async () => {
      const plain = await AppServerProcess.start('ours', { codexHome: rig.codexHome, experimentalApi: false });
      try {
        const { thread } = await plain.request('thread/start', { cwd: rig.codexHome });
        assert.deepEqual(await plain.request('thread/goal/get', { threadId: thread.id }), { goal: null });
      } finally {
        await plain.stop();
      }
    });
  });
});
