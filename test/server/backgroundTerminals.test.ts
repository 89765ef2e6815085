/**
 * `thread/backgroundTerminals/*` (experimental) on ours and the reference: a scripted model runs a
 * long `exec_command` that outlives its call; the session is listed, terminated, and `clean`
 * stops the rest. Traffic is validated with the reference's `--experimental` schema.
 */
import assert from 'node:assert/strict';
import { reply } from '../helpers/scriptedModel';
import { runTurn, startFixture, stopStartedFixtures, type TurnFixture } from './turnHelpers';
import type { Which } from '../helpers/appServerProcess';

const longCommand = (marker: string) => reply.call('exec_command', { cmd: `sleep 30; echo ${marker}`, yield_time_ms: 300, login: false }, `call-${marker}`);

async function scenario(which: Which) {
  const fixture: TurnFixture = await startFixture(which, [longCommand('one'), longCommand('two'), reply.text('started')], { experimentalSchema: true });
  const { server, threadId } = fixture;
  await runTurn(fixture, 'start two long commands');
  const listed = await server.request('thread/backgroundTerminals/list', { threadId });
  const commands = listed.data.map((t: { command: string }) => t.command).sort();
  const shapes = listed.data.map((t: { cwd: string; itemId: string; processId: string }) => ({ cwdIsThreadCwd: t.cwd === fixture.cwd, hasItem: !!t.itemId, hasId: !!t.processId }));
  const first = listed.data[0];
  const terminated = await server.request('thread/backgroundTerminals/terminate', { threadId, processId: first.processId });
  const again = await server.request('thread/backgroundTerminals/terminate', { threadId, processId: first.processId });
  const unknown = await server.request('thread/backgroundTerminals/terminate', { threadId, processId: '999999' });
  const afterTerminate = (await server.request('thread/backgroundTerminals/list', { threadId })).data.length;
  const cleaned = await server.request('thread/backgroundTerminals/clean', { threadId });
  const afterClean = (await server.request('thread/backgroundTerminals/list', { threadId })).data.length;
  return { listedCount: listed.data.length, commands, shapes, terminated, again, unknown, afterTerminate, cleaned, afterClean, violations: server.violations };
}

describe('thread/backgroundTerminals/* vs the reference', function () {
  this.timeout(120_000);
  afterEach(stopStartedFixtures);

  it('lists the long-running exec_command sessions, terminates one, cleans the rest', async () => {
    const ours = await scenario('ours');
    const reference = await scenario('reference');
    assert.deepEqual(ours, reference);
    assert.equal(ours.listedCount, 2);
    assert.deepEqual(ours.terminated, { terminated: true });
    assert.equal(ours.afterClean, 0);
  });
});
