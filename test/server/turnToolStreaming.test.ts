/**
 * Tool calls run as they arrive in the model's stream, as in the reference:
 * a command starts when its `response.output_item.done` arrives while the
 * stream is still open, the stream keeps being read while it runs, the
 * commands of one response run concurrently and their outputs go back to the
 * model in call order. A stream that breaks after a command started lets the
 * command finish and fails the turn; an interrupt stops both.
 *
 * Nothing here relies on timing thresholds: the scripted model holds its
 * stream open until the test saw what it waits for (with a long safety
 * timeout), and records which events it had sent when (`sentEvents`).
 * Commands run with `login: false` so a login profile (pyenv's rehash lock,
 * shared by every shell on the machine) cannot slow them down.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Which } from '../helpers/appServerProcess';
import { reply, type ScriptedItem, type ScriptedModel } from '../helpers/scriptedModel';
import { ToolRuntime, isParallelSafe } from '../../server/tools/toolRuntime';
import { methodSequence, runTurn, startFixture, stopStartedFixtures, textInput, type TurnFixture, waitUntil } from './turnHelpers';

/** Long enough never to end by itself while a test waits on the server; ends a hold if the server never shows what the test waits for. */
const SAFETY_HOLD_MS = 20000;

const exec = (cmd: string, callId: string): ScriptedItem => ({ type: 'function_call', name: 'exec_command', arguments: { cmd, login: false }, callId });

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Whether the model had sent `response.completed` on the stream of its `request`-th request. */
const streamEnded = (model: ScriptedModel, request: number) => model.sentEvents.some((e) => e.request === request && e.type === 'response.completed');

/** Item notifications as `method itemId` lines (commands and agent messages), in arrival order. */
const itemEvents = (fixture: TurnFixture) =>
  fixture.server.notifications
    .filter((n) => (n.method === 'item/started' || n.method === 'item/completed') && n.params.item.type !== 'userMessage')
    .map((n) => `${n.method} ${n.params.item.type === 'commandExecution' ? n.params.item.id : n.params.item.type}`);

/** The tool outputs of a model request, as [call_id, output]. */
const toolOutputs = (fixture: TurnFixture, request: number): [string, string][] =>
  fixture.model.modelRequests[request].body.input.filter((i: any) => i.type === 'function_call_output').map((i: any) => [i.call_id, String(i.output)]);

/** Processes whose command line contains `token` (zombies are gone). */
function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(token)) found.push(Number(entry));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return found;
}


describe('turns: tool calls run while the model stream goes on', function () {
  this.timeout(120000);
  afterEach(stopStartedFixtures);

  for (const which of ['ours', 'reference'] as Which[]) {
    it(`${which}: a command starts and completes while the model still holds its stream open`, async () => {
      const hold = gate();
      const fixture = await startFixture(which, [
        { items: [exec('echo streamed', 'call_s'), { type: 'hold', ms: SAFETY_HOLD_MS, until: hold.promise }, { type: 'message', text: 'after the command' }] },
        reply.text('done'),
      ]);
      const { server, model } = fixture;
      const seen = { startedBeforeStreamEnd: false, completedBeforeStreamEnd: false };
      const started = server.waitFor('item/started', (p) => p.item.type === 'commandExecution', 60000).then(() => (seen.startedBeforeStreamEnd = !streamEnded(model, 0)));
      const completed = server.waitFor('item/completed', (p) => p.item.type === 'commandExecution', 60000).then((n) => {
        seen.completedBeforeStreamEnd = !streamEnded(model, 0);
        hold.open();
        return n.params.item;
      });
      const turn = await runTurn(fixture, 'go', 60000);
      await started;
      const item = await completed;
      assert.equal(turn.status, 'completed');
      assert.ok(seen.startedBeforeStreamEnd, 'item/started for the command came before the model sent response.completed');
      assert.ok(seen.completedBeforeStreamEnd, 'the command completed while the stream was still open');
      assert.equal(item.status, 'completed');
      assert.equal(item.aggregatedOutput.trim(), 'streamed');
      // The next request keeps the stream's order (call, message) and adds the output after it.
      const tail = model.modelRequests[1].body.input.slice(-3).map((i: any) => i.type + (i.role ? `:${i.role}` : ''));
      assert.deepEqual(tail, ['function_call', 'message:assistant', 'function_call_output']);
      assert.match(toolOutputs(fixture, 1)[0][1], /streamed/);
      assert.deepEqual(server.violations, []);
    });
  }

  it('ours: the stream is read on while a command runs (a later message is not held up by the command)', async () => {
    // The command waits for a file the test writes only once the message that follows it in the stream has completed.
    const cmd = 'for i in $(seq 400); do [ -f go ] && break; sleep 0.05; done; [ -f go ] && echo released';
    const fixture = await startFixture('ours', [{ items: [exec(cmd, 'call_w'), { type: 'message', text: 'while the command runs' }] }, reply.text('done')]);
    const { server, cwd } = fixture;
    void server.waitFor('item/completed', (p) => p.item.type === 'agentMessage', 60000).then(() => fs.writeFileSync(path.join(cwd, 'go'), ''));
    const turn = await runTurn(fixture, 'go', 60000);
    assert.equal(turn.status, 'completed');
    const events = itemEvents(fixture);
    assert.ok(events.indexOf('item/completed agentMessage') < events.indexOf('item/completed call_w'), events.join('\n'));
    const item = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.id === 'call_w')!.params.item;
    assert.equal(item.aggregatedOutput.trim(), 'released');
    // The call's own result (not a "still running" session after its yield time ran out) went back to the model.
    assert.match(toolOutputs(fixture, 1)[0][1], /Process exited with code 0[\s\S]*released/);
    assert.deepEqual(server.violations, []);
  });

  /** call_1 can only finish after call_2 ran: sequential execution would make it time out without "saw second". */
  const concurrentPair = () => [
    {
      items: [
        exec('for i in $(seq 400); do [ -f second.done ] && break; sleep 0.05; done; [ -f second.done ] && echo saw second; echo first', 'call_1'),
        exec('echo second > second.done; echo second', 'call_2'),
      ],
    },
    reply.text('done'),
  ];

  async function recordPair(which: Which) {
    const fixture = await startFixture(which, concurrentPair());
    const turn = await runTurn(fixture, 'go', 60000);
    return { fixture, turn };
  }

  it('two commands of one response run concurrently; their outputs go back in call order; same notifications as the reference', async () => {
    const reference = await recordPair('reference');
    const ours = await recordPair('ours');
    for (const run of [reference, ours]) {
      const who = run.fixture.server.which;
      assert.equal(run.turn.status, 'completed', who);
      assert.deepEqual(run.fixture.server.violations, [], who);
      const outputs = toolOutputs(run.fixture, 1);
      assert.deepEqual(outputs.map(([id]) => id), ['call_1', 'call_2'], `${who}: outputs in call order`);
      assert.match(outputs[0][1], /saw second\nfirst/, `${who}: call_1 ran while call_2 ran`);
      assert.match(outputs[1][1], /second/);
    }
    // Ours announces both commands before either completes (each item/started is sent when its process spawns).
    const events = itemEvents(ours.fixture).filter((e) => e.includes('call_'));
    assert.deepEqual(events.slice(0, 2), ['item/started call_1', 'item/started call_2'], events.join(', '));
    assert.equal(ours.fixture.model.modelRequests[0].body.parallel_tool_calls, reference.fixture.model.modelRequests[0].body.parallel_tool_calls);
    // The reference sends a command's item/started at a varying point (both orders of call_1's item/started and
    // call_2's item/completed were observed), so the command items are compared as a set, the rest in order.
    assert.deepEqual(comparable(ours.fixture), comparable(reference.fixture));
  });

  const isCommandItemEvent = (n: { method: string; params: any }) => (n.method === 'item/started' || n.method === 'item/completed') && n.params.item.type === 'commandExecution';
  function comparable(fixture: TurnFixture) {
    const notifications = fixture.server.notifications;
    const ordered = methodSequence(notifications.filter((n) => !isCommandItemEvent(n)).map((n) => n.method)).filter(
      (m) => m !== 'thread/tokenUsage/updated' && m !== 'item/commandExecution/outputDelta',
    );
    const commandItems = notifications.filter(isCommandItemEvent).map((n) => `${n.method} ${n.params.item.id} ${n.params.item.status}`).sort();
    const usageUpdates = notifications.filter((n) => n.method === 'thread/tokenUsage/updated').length;
    return { ordered, commandItems, usageUpdates };
  }

  for (const how of ['failed', 'drop'] as const) {
    it(`a stream that ${how === 'failed' ? 'reports response.failed' : 'drops'} after a command started: the command finishes, no process is left, the turn fails like the reference`, async () => {
      const results: Record<string, { sequence: string[]; error: any; marker: boolean; left: number[]; status: string }> = {};
      for (const which of ['reference', 'ours'] as Which[]) {
        const token = `tok${randomBytes(4).toString('hex')}`;
        const hold = gate();
        const fixture = await startFixture(which, [
          { items: [exec(`sleep 0.3; echo ${token} > marker.txt`, 'call_f'), { type: 'hold', ms: SAFETY_HOLD_MS, until: hold.promise }, { type: 'break', how, message: 'the model broke down' }] },
        ]);
        void fixture.server.waitFor('item/started', (p) => p.item.type === 'commandExecution', 60000).then(hold.open);
        const turn = await runTurn(fixture, 'go', 60000);
        const commandDone = fixture.server.notifications.find((n) => n.method === 'item/completed' && n.params.item.id === 'call_f');
        assert.ok(commandDone, `${which}: the started command was completed`);
        assert.equal(commandDone.params.item.status, 'completed', which);
        const error = fixture.server.notifications.find((n) => n.method === 'error')!.params;
        results[which] = {
          sequence: methodSequence(fixture.server.methods()).filter((m) => m !== 'item/commandExecution/outputDelta'),
          error: { message: error.error.message, info: error.error.codexErrorInfo, willRetry: error.willRetry },
          marker: fs.readFileSync(path.join(fixture.cwd, 'marker.txt'), 'utf8').trim() === token,
          left: processesWith(token),
          status: turn.status,
        };
        assert.deepEqual(fixture.server.violations, [], which);
      }
      const { reference, ours } = results;
      assert.equal(ours.status, 'failed');
      assert.ok(ours.marker, 'the command ran to its end');
      assert.deepEqual(ours.left, [], 'no process of the command is left');
      assert.deepEqual(ours.sequence, reference.sequence);
      assert.equal(ours.error.info, reference.error.info);
      assert.equal(ours.error.willRetry, reference.error.willRetry);
      if (how === 'failed') assert.equal(ours.error.message, reference.error.message);
      else assert.match(ours.error.message, /^stream disconnected before completion: /);
    });
  }

  it('turn/interrupt while a command runs and the stream is open stops both; the next request records the call as aborted', async () => {
    const token = `tok${randomBytes(4).toString('hex')}`;
    const fixture = await startFixture('ours', [
      { items: [exec(`sleep 30; echo ${token}`, 'call_i'), exec('echo quick', 'call_q'), { type: 'hold', ms: SAFETY_HOLD_MS }] },
      reply.text('after the interrupt'),
    ]);
    const { server, model, threadId } = fixture;
    const { turn } = await server.request('turn/start', { threadId, input: textInput('go') });
    await server.waitFor('item/completed', (p) => p.item.id === 'call_q', 60000);
    await waitUntil('the long command runs', () => processesWith(token).length > 0);
    await server.request('turn/interrupt', { threadId, turnId: turn.id });
    const completed = await server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 10000);
    assert.equal(completed.params.turn.status, 'interrupted');
    assert.equal(streamEnded(model, 0), false, 'the interrupt came while the model stream was open');
    await waitUntil('the interrupted command is gone', () => processesWith(token).length === 0, 5000);
    const item = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.id === 'call_i')!.params.item;
    assert.notEqual(item.status, 'inProgress');

    // Like the reference, every call of the interrupted response has an output in the history: the finished one its result, the killed one "aborted by user".
    const next = await runTurn(fixture, 'again', 60000);
    assert.equal(next.status, 'completed');
    const outputs = toolOutputs(fixture, 1);
    assert.deepEqual(outputs.map(([id]) => id), ['call_i', 'call_q']);
    assert.match(outputs[0][1], /^Wall time: \d+\.\d seconds\naborted by user$/);
    assert.match(outputs[1][1], /quick/);
    assert.deepEqual(server.violations, []);
  });

  it('approvals are asked per call, for concurrent calls at the same time; each answer applies to its own call', async () => {
    const escalated = (cmd: string, callId: string): ScriptedItem => ({
      type: 'function_call',
      name: 'exec_command',
      arguments: { cmd, login: false, sandbox_permissions: 'require_escalated', justification: 'needed' },
      callId,
    });
    const fixture = await startFixture('ours', [{ items: [escalated('touch accepted.txt', 'call_a'), escalated('touch declined.txt', 'call_d')] }, reply.text('done')], {
      approvalPolicy: 'on-request',
      sandboxMode: 'workspace-write',
    });
    const { server, cwd } = fixture;
    const bothAsked = gate();
    const asked: string[] = [];
    let openNow = 0;
    let mostOpenAtOnce = 0;
    server.onServerRequest('item/commandExecution/requestApproval', async (request) => {
      asked.push(request.params.itemId);
      mostOpenAtOnce = Math.max(mostOpenAtOnce, ++openNow);
      if (asked.length === 2) bothAsked.open();
      // Answer only once both calls asked (or after a safety timeout, which then fails the assertion below).
      await Promise.race([bothAsked.promise, new Promise((r) => setTimeout(r, SAFETY_HOLD_MS))]);
      openNow--;
      return { decision: request.params.itemId === 'call_a' ? 'accept' : 'decline' };
    });
    const turn = await runTurn(fixture, 'go', 60000);
    assert.equal(turn.status, 'completed');
    assert.deepEqual([...asked].sort(), ['call_a', 'call_d']);
    assert.equal(mostOpenAtOnce, 2, 'both approval requests were open at once');
    assert.equal(fs.existsSync(path.join(cwd, 'accepted.txt')), true);
    assert.equal(fs.existsSync(path.join(cwd, 'declined.txt')), false);
    const outputs = toolOutputs(fixture, 1);
    assert.deepEqual(outputs.map(([id]) => id), ['call_a', 'call_d']);
    assert.match(outputs[1][1], /rejected/);
    // The thread stays waitingOnApproval until the last answer, then leaves it.
    const statuses = server.notifications.filter((n) => n.method === 'thread/status/changed').map((n) => n.params.status);
    const waiting = statuses.findIndex((s) => s.activeFlags?.includes('waitingOnApproval'));
    assert.ok(waiting >= 0, 'the thread waited on approval');
    assert.ok(statuses.slice(waiting + 1).some((s) => !s.activeFlags?.includes('waitingOnApproval')), 'and left that state');
    assert.deepEqual(server.violations, []);
  });
});

describe('ToolRuntime (scheduling of one response\'s calls)', () => {
  const call = (name: string, id: string) => ({ type: 'function_call', name, call_id: id, arguments: '{}' });

  it('overlaps commands, runs any other tool alone and in arrival order, and returns outputs in call order', async () => {
    const running = new Set<string>();
    const log: string[] = [];
    const finish = new Map<string, (output: string) => void>();
    const fail = new Map<string, (error: Error) => void>();
    const runtime = new ToolRuntime({
      runsInParallel: isParallelSafe,
      execute: (c) =>
        new Promise<string>((resolve, reject) => {
          const id = String(c.call_id);
          log.push(`start ${id} alongside [${[...running].join(',')}]`);
          running.add(id);
          finish.set(id, (output) => (running.delete(id), resolve(output)));
          fail.set(id, (error) => (running.delete(id), reject(error)));
        }),
    });
    const settle = () => new Promise((r) => setImmediate(r));
    runtime.dispatch(call('exec_command', 'c1'));
    runtime.dispatch(call('exec_command', 'c2'));
    runtime.dispatch(call('apply_patch', 'p1'));
    runtime.dispatch(call('exec_command', 'c3'));
    await settle();
    assert.deepEqual(log, ['start c1 alongside []', 'start c2 alongside [c1]'], 'commands overlap; the patch waits');
    finish.get('c2')!('two');
    await settle();
    assert.equal(log.length, 2, 'the patch still waits for c1');
    finish.get('c1')!('one');
    await settle();
    assert.deepEqual(log.slice(2), ['start p1 alongside []'], 'the patch runs alone; c3 (after it) waits');
    fail.get('p1')!(new Error('interrupted'));
    await settle();
    assert.deepEqual(log.slice(3), ['start c3 alongside []']);
    finish.get('c3')!('three');
    const { outputs, error } = await runtime.drain();
    assert.equal(runtime.count, 4);
    assert.deepEqual(outputs.map((o) => [o.call_id, o.type]), [['c1', 'function_call_output'], ['c2', 'function_call_output'], ['p1', 'function_call_output'], ['c3', 'function_call_output']]);
    assert.deepEqual(outputs.map((o) => o.output).filter((_, i) => i !== 2), ['one', 'two', 'three']);
    assert.match(String(outputs[2].output), /^Wall time: \d+\.\d seconds\naborted by user$/);
    assert.equal((error as Error).message, 'interrupted');
  });

  it('answers custom tool calls with custom_tool_call_output', async () => {
    const runtime = new ToolRuntime({ runsInParallel: () => false, execute: async () => 'done' });
    runtime.dispatch({ type: 'custom_tool_call', name: 'apply_patch', call_id: 'x1', input: '' });
    const { outputs, error } = await runtime.drain();
    assert.deepEqual(outputs, [{ type: 'custom_tool_call_output', call_id: 'x1', output: 'done' }]);
    assert.equal(error, null);
  });
});
