/**
 * `thread/revert` and `thread/delete` on the reference and on our server with
 * the same scripted model: notifications, the turns left, the next model
 * request (reverted turns never reach the model again), errors, and the
 * rollout files afterwards.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, type Which } from '../helpers/appServerProcess';
import { reply } from '../helpers/scriptedModel';
import { REFERENCE_ONLY, runTurn, startFixture, stopFixture, stopStartedFixtures } from './turnHelpers';

const texts = (input: any[]) =>
  input
    .filter((m) => m.type === 'message' && (m.role === 'user' || m.role === 'assistant'))
    .map((m) => m.content.map((c: any) => c.text).join(''))
    .filter((t: string) => !t.startsWith('<'));

const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (e) => ({ code: e.code, message: e.message }));

async function revertRun(which: Which) {
  const fixture = await startFixture(which, [reply.text('one'), reply.text('two'), reply.text('three'), reply.text('four')]);
  try {
    const { server, threadId } = fixture;
    for (const prompt of ['first', 'second', 'third']) await runTurn(fixture, prompt);
    const before = (await server.request('thread/read', { threadId, includeTurns: true })).thread.turns;
    server.clearNotifications();
    const response = await server.request('thread/revert', { threadId, beforeTurnId: before[1].id });
    await server.waitFor('thread/reverted', () => true, 10000);
    const notifications = server.notifications.filter((n) => !REFERENCE_ONLY.has(n.method));
    const after = (await server.request('thread/read', { threadId, includeTurns: true })).thread.turns;
    await runTurn(fixture, 'after');
    const nextRequest = texts(fixture.model.modelRequests[3].body.input);
    const errors = [
      await errorOf(server.request('thread/revert', { threadId, beforeTurnId: 'no-such-turn' })),
      await errorOf(server.request('thread/revert', { threadId, beforeTurnId: before[2].id })),
    ];
    // A restarted server resumes the reverted conversation.
    await server.stop();
    const again = await AppServerProcess.start(which, { codexHome: fixture.codexHome, cwd: fixture.cwd });
    const resumed = (await again.request('thread/resume', { threadId })).thread.turns;
    await again.stop();
    return { response, notifications, before, after, nextRequest, errors, resumed, violations: server.violations };
  } finally {
    await stopFixture(fixture);
  }
}

async function deleteRun(which: Which) {
  const fixture = await startFixture(which, [reply.text('one')]);
  try {
    const { server, threadId } = fixture;
    await runTurn(fixture, 'first');
    const rollout = (await server.request('thread/read', { threadId })).thread.path;
    server.clearNotifications();
    const response = await server.request('thread/delete', { threadId });
    await server.waitFor('thread/deleted', () => true, 10000);
    const notifications = server.notifications.filter((n) => !REFERENCE_ONLY.has(n.method));
    const listed = (await server.request('thread/list', {})).data.map((t: any) => t.id);
    return {
      response,
      notifications,
      fileExists: fs.existsSync(rollout),
      listed,
      threadId,
      second: await errorOf(server.request('thread/delete', { threadId })),
      bad: await errorOf(server.request('thread/delete', { threadId: 'bad' })),
      read: (await errorOf(server.request('thread/read', { threadId })))?.code,
      violations: server.violations,
    };
  } finally {
    await stopFixture(fixture);
  }
}

describe('thread/revert and thread/delete compared with the reference', function () {
  this.timeout(180000);
  afterEach(stopStartedFixtures);

  it('revert drops the turn and the later ones, for the model too', async () => {
    const reference = await revertRun('reference');
    const ours = await revertRun('ours');
    assert.deepEqual(ours.violations, []);
    const methods = (run: typeof ours) => run.notifications.map((n) => `${n.method}${n.params.status ? ':' + n.params.status.type : ''}`);
    assert.deepEqual(methods(ours), methods(reference));
    assert.deepEqual(methods(ours), ['thread/status/changed:notLoaded', 'thread/status/changed:idle', 'thread/reverted']);
    assert.deepEqual(ours.response.thread.turns, []);
    const ids = (turns: any[]) => turns.map((t) => t.items.map((i: any) => i.text ?? i.content?.[0]?.text).join('|'));
    assert.deepEqual(ids(ours.after), ids(reference.after));
    assert.deepEqual(ids(ours.after), ['first|one']);
    assert.deepEqual(ours.nextRequest, reference.nextRequest);
    assert.deepEqual(ours.nextRequest, ['first', 'one', 'after']);
    assert.deepEqual(ours.errors.map((e) => e?.code), reference.errors.map((e) => e?.code));
    assert.deepEqual(ours.errors.map((e) => e?.message.replace(/[0-9a-f-]{36}/, '<id>')), reference.errors.map((e) => e?.message.replace(/[0-9a-f-]{36}/, '<id>')));
    assert.deepEqual(ids(ours.resumed), ids(reference.resumed));
    assert.deepEqual(ids(ours.resumed), ['first|one', 'after|four']);
  });

  it('delete removes the rollout, says thread/deleted, and a second delete is a clear error', async () => {
    const reference = await deleteRun('reference');
    const ours = await deleteRun('ours');
    assert.deepEqual(ours.violations, []);
    assert.deepEqual(ours.response, reference.response);
    // Consecutive repeats are folded: the reference reports the unload as notLoaded once or twice, by timing.
    const methods = (run: typeof ours) =>
      run.notifications
        .map((n) => `${n.method}${n.params.status ? ':' + n.params.status.type : ''}`)
        .filter((name, i, all) => i === 0 || name !== all[i - 1]);
    assert.deepEqual(methods(ours), methods(reference));
    assert.equal(ours.fileExists, false);
    assert.equal(reference.fileExists, false);
    assert.equal(ours.listed.includes(ours.threadId), false);
    assert.deepEqual(ours.second, { ...reference.second, message: reference.second!.message.replace(reference.threadId, ours.threadId) });
    assert.equal(ours.bad?.code, reference.bad?.code);
    assert.equal(ours.read, reference.read);
  });
});
