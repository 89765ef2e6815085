import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { reply } from '../helpers/scriptedModel';
import { bubblewrapStatus } from '../../server/sandbox/bubblewrap';
import { startFixture, stopStartedFixtures, textInput, type TurnFixture, waitUntil } from './turnHelpers';

/** Running (zombies count as gone: they only wait for a parent to reap them). */
const alive = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};


describe('turns: interrupt and steer', function () {
  this.timeout(60000);
  let fixture: TurnFixture | undefined;
  afterEach(stopStartedFixtures);

  const variants = [
    { tty: false, sandboxMode: undefined },
    { tty: true, sandboxMode: undefined },
    { tty: false, sandboxMode: 'workspace-write' },
  ];
  for (const { tty, sandboxMode } of variants) it(`turn/interrupt kills a running command (${tty ? 'PTY' : 'pipes'}${sandboxMode ? ', bubblewrap' : ''}) and its background children within 1 s; the turn completes interrupted`, async function () {
    if (sandboxMode && !bubblewrapStatus().available) this.skip();
    // Fractional durations unique to this run: another test process on the machine may run the same command.
    const tag = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    const cmd = `sleep 37.${tag} & echo $! > child.pid; echo $$ > shell.pid; sleep 38.${tag}`;
    fixture = await startFixture('ours', [reply.call('exec_command', { cmd, yield_time_ms: 20000, tty }), reply.text('never')], { sandboxMode, approvalPolicy: 'never' });
    const { server, cwd, threadId } = fixture;
    const { turn } = await server.request('turn/start', { threadId, input: textInput('go') });
    await waitUntil('the command wrote child.pid and shell.pid', () => fs.existsSync(path.join(cwd, 'child.pid')) && fs.existsSync(path.join(cwd, 'shell.pid')));
    // Inside a PID namespace the pids are not ours to check; find the sleeps by their arguments instead.
    const sleepers = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && alive(Number(p))).filter((p) => {
      try {
        const cmdline = fs.readFileSync(`/proc/${p}/cmdline`, 'latin1');
        return cmdline === `sleep\x0037.${tag}\x00` || cmdline === `sleep\x0038.${tag}\x00`;
      } catch {
        return false;
      }
    });
    await waitUntil('both sleeps are running', () => sleepers().length >= 2);
    const childPid = Number(sleepers()[0]);
    const shellPid = Number(sleepers()[1]);
    assert.ok(alive(childPid) && alive(shellPid));
    const started = Date.now();
    await server.request('turn/interrupt', { threadId, turnId: turn.id });
    const completed = await server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 5000);
    const elapsed = Date.now() - started;
    assert.equal(completed.params.turn.status, 'interrupted');
    assert.ok(elapsed < 1000, `interrupt took ${elapsed} ms`);
    await waitUntil('the command and its background child are gone', () => !alive(childPid) && !alive(shellPid), 1000);
    const item = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
    assert.notEqual(item.status, 'inProgress');
    assert.equal(fixture.model.modelRequests.length, 1, 'no further model request after the interrupt');
    assert.deepEqual(server.violations, []);
  });

  it('turn/interrupt stops a streaming reply', async () => {
    const long = 'word '.repeat(200);
    fixture = await startFixture('ours', [{ items: [{ type: 'message', text: long }], eventDelayMs: 50 }]);
    const { server, threadId } = fixture;
    const { turn } = await server.request('turn/start', { threadId, input: textInput('go') });
    await server.waitFor('item/agentMessage/delta');
    const started = Date.now();
    await server.request('turn/interrupt', { threadId, turnId: turn.id });
    const completed = await server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 5000);
    assert.equal(completed.params.turn.status, 'interrupted');
    assert.ok(Date.now() - started < 1000);
    const deltas = server.notifications.filter((n) => n.method === 'item/agentMessage/delta').length;
    assert.ok(deltas < 100, `the stream stopped early (${deltas} deltas)`);
    assert.deepEqual(server.violations, []);
  });

  it('turn/steer adds input to the running turn (expectedTurnId checked)', async () => {
    fixture = await startFixture('ours', [
      { items: [{ type: 'message', text: 'working on it, slowly' }], eventDelayMs: 60 },
      reply.text('steered answer'),
    ]);
    const { server, model, threadId } = fixture;
    const { turn } = await server.request('turn/start', { threadId, input: textInput('first') });
    await server.waitFor('item/agentMessage/delta');
    await assert.rejects(server.request('turn/steer', { threadId, input: textInput('x'), expectedTurnId: 'not-the-turn' }), /expected active turn/);
    const steer = await server.request('turn/steer', { threadId, input: textInput('also do this'), expectedTurnId: turn.id });
    assert.equal(steer.turnId, turn.id);
    const completed = await server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 20000);
    assert.equal(completed.params.turn.status, 'completed');
    assert.equal(model.modelRequests.length, 2);
    const lastInput = model.modelRequests[1].body.input.at(-1);
    assert.equal(lastInput.role, 'user');
    assert.equal(lastInput.content[0].text, 'also do this');
    const userMessages = server.notifications.filter((n) => n.method === 'item/completed' && n.params.item.type === 'userMessage');
    assert.equal(userMessages.length, 2);
    assert.deepEqual(server.violations, []);
  });

  it('turn/start during a running turn joins it instead of starting another', async () => {
    fixture = await startFixture('ours', [{ items: [{ type: 'message', text: 'working on it, slowly' }], eventDelayMs: 60 }, reply.text('joined')]);
    const { server, model, threadId } = fixture;
    const first = await server.request('turn/start', { threadId, input: textInput('first') });
    await server.waitFor('item/agentMessage/delta');
    const second = await server.request('turn/start', { threadId, input: textInput('second') });
    assert.equal(second.turn.id, first.turn.id);
    await server.waitFor('turn/completed', (p) => p.turn.id === first.turn.id, 20000);
    assert.equal(server.notifications.filter((n) => n.method === 'turn/started').length, 1);
    assert.equal(model.modelRequests[1].body.input.at(-1).content[0].text, 'second');
    assert.deepEqual(server.violations, []);
  });

  for (const which of ['ours', 'reference'] as const) it(`after an interrupt the model is told the previous turn was stopped, and the chat history does not show it (${which})`, async () => {
    fixture = await startFixture(which, [reply.call('exec_command', { cmd: 'sleep 30', yield_time_ms: 20000 }), reply.text('never'), reply.text('second answer')], { approvalPolicy: 'never' });
    const { server, threadId, model } = fixture;
    const { turn } = await server.request('turn/start', { threadId, input: textInput('go') });
    await server.waitFor('item/started', (p) => p.item.type === 'commandExecution', 10000);
    await server.request('turn/interrupt', { threadId, turnId: turn.id });
    await server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 5000);
    const { turn: second } = await server.request('turn/start', { threadId, input: textInput('again') });
    await server.waitFor('turn/completed', (p) => p.turn.id === second.id, 10000);
    const input: any[] = model.modelRequests.at(-1)!.body.input;
    const texts = input.map((i) => (i.type === 'message' ? i.content.map((c: any) => c.text ?? '').join('') : i.type === 'function_call_output' ? `output:${i.output}` : i.type));
    const aborted = texts.findIndex((t) => t.startsWith('<turn_aborted>'));
    assert.ok(aborted > 0, `a <turn_aborted> note in the next request:\n${texts.join('\n---\n')}`);
    assert.equal(input[aborted].role, 'user');
    assert.match(texts[aborted - 1], /^output:[\s\S]*aborted by user/, 'after the aborted call\'s output');
    assert.equal(texts[aborted + 1], 'again', 'right before the new prompt');
    const { thread } = await server.request('thread/read', { threadId, includeTurns: true });
    const shown = JSON.stringify(thread.turns.flatMap((t: any) => t.items));
    assert.doesNotMatch(shown, /turn_aborted/, 'the note is for the model, not a chat message');
    assert.deepEqual(server.violations, []);
  });

  it('turn/steer without an active turn is an error', async () => {
    fixture = await startFixture('ours', []);
    await assert.rejects(fixture.server.request('turn/steer', { threadId: fixture.threadId, input: textInput('x'), expectedTurnId: 'x' }), /no active turn/);
  });
});
