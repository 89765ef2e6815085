/**
 * One live session against dist/server.js that throws every kind of bad input
 * and failure at the server in turn (a malformed line mid-turn, unknown
 * methods, invalid params, missing threads, crashing commands and hooks, a
 * model endpoint that dies mid-stream, a SIGKILL mid-turn) and checks after
 * each that the server still serves and that no completed thread data is lost.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir, RpcResponseError } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { textInput } from './turnHelpers';

/** Waits until a line after `from` satisfies `check` (given each parsed line). */
async function waitForLine(server: AppServerProcess, from: number, check: (message: any) => boolean, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.rawLines.slice(from).some((line) => check(JSON.parse(line)))) {
    if (Date.now() > deadline) throw new Error('no matching line from the server');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const MISSING = '019a0000-0000-7000-8000-000000000000';

/** Every thread/turn method that takes a threadId, with otherwise valid params. */
const THREAD_METHODS: [string, object][] = [
  ['thread/resume', {}],
  ['thread/fork', {}],
  ['thread/read', { includeTurns: true }],
  ['thread/turns/list', {}],
  ['thread/name/set', { name: 'x' }],
  ['thread/archive', {}],
  ['thread/unarchive', {}],
  ['thread/goal/get', {}],
  ['thread/goal/set', { objective: 'ship it' }],
  ['thread/goal/clear', {}],
  ['turn/start', { input: textInput('hi') }],
  ['turn/steer', { input: textInput('hi'), expectedTurnId: 'turn-1' }],
  ['turn/interrupt', { turnId: 'turn-1' }],
];

async function rpcError(promise: Promise<unknown>): Promise<RpcResponseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcResponseError) return error;
    throw error;
  }
  assert.fail('expected an error response');
}

describe('server robustness: one session survives every kind of bad input and failure', function () {
  this.timeout(120000);
  let model: ScriptedModel;
  let server: AppServerProcess | undefined;
  let codexHome: string;
  let cwd: string;
  const extraServers: AppServerProcess[] = [];

  before(async () => {
    model = await new ScriptedModel().start();
    codexHome = fs.realpathSync(makeTempDir('robust-home-'));
    cwd = fs.realpathSync(makeTempDir('robust-work-'));
  });
  after(async () => {
    for (const s of [server, ...extraServers]) await s?.stop();
    await model.stop();
  });

  it('keeps serving and keeps every completed item', async () => {
    const hookScript = path.join(codexHome, 'crash-hook.sh');
    // The hook crashes the way a buggy native tool would: SIGSEGV.
    fs.writeFileSync(hookScript, '#!/bin/sh\ncat > /dev/null\nkill -SEGV $$\n', { mode: 0o755 });
    model.writeConfig(codexHome, {
      extra: `[[hooks.UserPromptSubmit]]\n[[hooks.UserPromptSubmit.hooks]]\ntype = "command"\ncommand = ${JSON.stringify(hookScript)}\ntimeout = 30\n`,
    });
    const env = { CODEX_SYSTEM_CONFIG_DIR: makeTempDir('robust-etc-') };
    server = await AppServerProcess.start('ours', { codexHome, cwd, env, validate: true });
    const listed = (await server.request('hooks/list', { cwds: [cwd] })).data[0].hooks;
    assert.equal(listed.length, 1);
    await server.request('config/batchWrite', {
      edits: [{ keyPath: 'hooks.state', value: { [listed[0].key]: { trusted_hash: listed[0].currentHash } }, mergeStrategy: 'upsert' }],
    });
    const { thread } = await server.request('thread/start', { cwd });
    const threadId: string = thread.id;
    const runTurn = async (text: string) => {
      const { turn } = await server!.request('turn/start', { threadId, input: textInput(text) });
      return (await server!.waitFor('turn/completed', (p) => p.turn.id === turn.id, 60000)).params.turn;
    };

    // 1. A malformed line in the middle of a streaming turn: a parse error, and the turn streams on.
    model.enqueue({ items: [{ type: 'message', text: 'streamed through the noise' }], eventDelayMs: 40 });
    const { turn: streaming } = await server.request('turn/start', { threadId, input: textInput('stream please') });
    await server.waitFor('item/agentMessage/delta', (p) => p.turnId === streaming.id);
    const rawBefore = server.rawLines.length;
    server.sendRaw('{"id": 99, "method": "thread/list", ');
    server.sendRaw('[1, 2, 3]');
    const turn1 = (await server.waitFor('turn/completed', (p) => p.turn.id === streaming.id, 30000)).params.turn;
    assert.equal(turn1.status, 'completed');
    const replies = server.rawLines.slice(rawBefore).map((l) => JSON.parse(l)).filter((m) => m.error);
    assert.equal(replies.length, 2, 'one error per bad line');
    assert.equal(replies[0].id, null);
    assert.equal(replies[0].error.code, -32700);
    assert.match(replies[0].error.message, /parse/i);
    assert.equal(replies[1].error.code, -32600);
    const agentText = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'agentMessage' && n.params.turnId === streaming.id)!.params.item.text;
    assert.equal(agentText, 'streamed through the noise');

    // 2. An unknown method names itself; 3. invalid params name the field.
    const unknown = await rpcError(server.request('thread/frobnicate', { threadId }));
    assert.equal(unknown.code, -32601);
    assert.match(unknown.message, /thread\/frobnicate/);
    const badCwd = await rpcError(server.request('thread/start', { cwd: 42 }));
    assert.equal(badCwd.code, -32602);
    assert.match(badCwd.message, /cwd/);
    const badInput = await rpcError(server.request('turn/start', { threadId, input: 'not a list' }));
    assert.match(badInput.message, /input/);
    const noThreadId = await rpcError(server.request('thread/read', {}));
    assert.match(noThreadId.message, /threadId/);

    // 4. A missing thread on every method that takes one: a clear error naming the thread.
    for (const [method, params] of THREAD_METHODS) {
      const error = await rpcError(server.request(method, { threadId: MISSING, ...params }));
      assert.match(error.message, new RegExp(`thread|${MISSING}`, 'i'), `${method}: ${error.message}`);
      assert.ok(error.code < 0, method);
    }
    const unsubscribed = await server.request('thread/unsubscribe', { threadId: MISSING }).catch((e: RpcResponseError) => e);
    assert.ok(unsubscribed instanceof RpcResponseError ? /thread/i.test(unsubscribed.message) : unsubscribed.status === 'notLoaded', 'thread/unsubscribe of a missing thread');

    // The crashing UserPromptSubmit hook ran on every prompt so far; it failed and the turns went on.
    const hookRuns = server.notifications.filter((n) => n.method === 'hook/completed').map((n) => n.params.run);
    assert.ok(hookRuns.length >= 1, 'the hook ran');
    assert.ok(hookRuns.every((run) => run.status === 'failed'), JSON.stringify(hookRuns));

    // 5. Commands whose child segfaults, is SIGKILLed, or exits non-zero: failed items, the turn completes.
    model.enqueue(
      reply.items(
        { type: 'function_call', name: 'exec_command', arguments: { cmd: 'kill -SEGV $$' }, callId: 'segv' },
        { type: 'function_call', name: 'exec_command', arguments: { cmd: 'kill -KILL $$' }, callId: 'killed' },
        { type: 'function_call', name: 'exec_command', arguments: { cmd: 'sh -c "exit 3"' }, callId: 'exit3' },
      ),
      reply.text('commands done'),
    );
    const turn2 = await runTurn('run crashing commands');
    assert.equal(turn2.status, 'completed');
    const commands = server.notifications
      .filter((n) => n.method === 'item/completed' && n.params.turnId === turn2.id && n.params.item.type === 'commandExecution')
      .map((n) => n.params.item);
    assert.equal(commands.length, 3);
    // Exit codes read as in a shell: 128 + the signal number. The calls run in parallel, so they complete in any order.
    const byCall = Object.fromEntries(commands.map((item) => [item.id, [item.status, item.exitCode]]));
    assert.deepEqual(byCall, { segv: ['failed', 128 + 11], killed: ['failed', 128 + 9], exit3: ['failed', 3] });
    const toolOutputs = JSON.stringify(model.modelRequests.at(-1)!.body.input);
    assert.ok(toolOutputs.includes('segv') && toolOutputs.includes('killed') && toolOutputs.includes('exit3'), 'every call got an output');

    // The same through command/exec: the crash is the command's exit status, not the server's.
    const segv = await server.request('command/exec', { command: ['/bin/sh', '-c', 'echo before; kill -SEGV $$'], cwd, sandboxPolicy: { type: 'dangerFullAccess' } });
    assert.equal(segv.exitCode, 128 + 11);
    assert.equal(segv.stdout, 'before\n');
    const missingBinary = await rpcError(server.request('command/exec', { command: ['/nonexistent/tool'], cwd, sandboxPolicy: { type: 'dangerFullAccess' } }));
    assert.match(missingBinary.message, /nonexistent\/tool|ENOENT|not found/i);

    // 6. The model endpoint dies mid-stream: the turn fails with an error, the thread stays usable.
    model.enqueue({ items: [{ type: 'message', text: 'this reply is cut off half way through' }], dropAfterEvents: 3 });
    const turn3 = await runTurn('model dies');
    assert.equal(turn3.status, 'failed');
    assert.ok(turn3.error?.message, 'the failed turn says why');
    model.enqueue(reply.text('back again'));
    const turn4 = await runTurn('are you there');
    assert.equal(turn4.status, 'completed');

    // 7. SIGKILL mid-turn: a command completes, then the server dies while the reply streams.
    model.enqueue(
      reply.call('exec_command', { cmd: 'echo before-the-kill' }, 'before-kill'),
      { items: [{ type: 'message', text: 'never finished '.repeat(50) }], eventDelayMs: 100 },
    );
    const { turn: doomed } = await server.request('turn/start', { threadId, input: textInput('last words') });
    await server.waitFor('item/completed', (p) => p.turnId === doomed.id && p.item.type === 'commandExecution', 30000);
    await server.waitFor('item/agentMessage/delta', (p) => p.turnId === doomed.id, 30000);
    const completedBefore = server.notifications
      .filter((n) => n.method === 'item/completed')
      .map((n) => n.params.item);
    assert.deepEqual(server.violations, []);
    server.child.kill('SIGKILL');
    await server.exited;
    extraServers.push(server);

    server = await AppServerProcess.start('ours', { codexHome, cwd, env });
    const read = await server.request('thread/read', { threadId, includeTurns: true });
    const storedItems = read.thread.turns.flatMap((t: any) => t.items);
    const storedIds = new Set(storedItems.map((item: any) => item.id));
    const lost = completedBefore.filter((item) => !storedIds.has(item.id));
    assert.deepEqual(lost, [], 'every item completed before the kill is stored');
    const storedCommand = storedItems.find((item: any) => item.type === 'commandExecution' && String(item.command).includes('before-the-kill'));
    assert.equal(storedCommand?.aggregatedOutput?.trim(), 'before-the-kill');
    assert.ok(read.thread.turns.some((t: any) => t.id === turn2.id && t.status === 'completed'));
    const doomedStored = read.thread.turns.find((t: any) => t.id === doomed.id);
    assert.equal(doomedStored?.status, 'interrupted', 'the turn the kill cut short reads as interrupted, not in progress');

    // The resumed thread takes new turns.
    await server.request('thread/resume', { threadId });
    model.enqueue(reply.text('alive after restart'));
    const after = await runTurn('still there?');
    assert.equal(after.status, 'completed');
    const listedThreads = await server.request('thread/list', {});
    assert.ok(listedThreads.data.some((t: any) => t.id === threadId));
    assert.deepEqual(server.violations, []);
  });

  it('refuses deeply nested params early with a one-line error, and caps in-flight requests on stdio too', async () => {
    const stdio = await AppServerProcess.start('ours', { codexHome: makeTempDir('robust-deep-home-'), cwd, validate: false });
    extraServers.push(stdio);
    try {
      for (const depth of [10_000, 200_000]) {
        const nested = '['.repeat(depth) + ']'.repeat(depth);
        const before = stdio.rawLines.length;
        stdio.sendRaw(`{"id":"deep-${depth}","method":"thread/list","params":{"x":${nested}}}`);
        await waitForLine(stdio, before, (m) => m.id === `deep-${depth}`);
        const answer = stdio.rawLines.slice(before).map((l) => JSON.parse(l)).find((m) => m.id === `deep-${depth}`);
        assert.ok([-32600, -32602].includes(answer.error.code), JSON.stringify(answer));
        assert.match(answer.error.message, /nested deeper than \d+ levels/);
        assert.ok(!answer.error.message.includes('\n'), 'one line');
      }
      assert.ok(!stdio.stderrLines.some((line) => /Maximum call stack|^\s+at /.test(line)), `no stack trace in the log:\n${stdio.stderrLines.join('\n')}`);
      // Still serving.
      assert.ok(Array.isArray((await stdio.request('thread/list', {})).data));

      // A burst of 600 requests in one write: beyond 128 in flight they get -32001, the rest are handled.
      const burst = 600;
      const before = stdio.rawLines.length;
      const lines = [];
      for (let i = 0; i < burst; i++) lines.push(JSON.stringify({ id: `b${i}`, method: 'initialize', params: { clientInfo: { name: 'x', version: '1' }, capabilities: null } }));
      stdio.child.stdin.write(lines.join('\n') + '\n');
      const answers = () => stdio.rawLines.slice(before).map((l) => JSON.parse(l)).filter((m) => typeof m.id === 'string' && m.id.startsWith('b'));
      await waitForLine(stdio, before, () => answers().length === burst);
      const overloaded = answers().filter((m) => m.error?.code === -32001);
      const handled = answers().filter((m) => m.error?.code === -32600);
      assert.ok(overloaded.length > 0, 'no request was refused as overloaded');
      assert.ok(handled.length >= 128, `only ${handled.length} requests were handled`);
      assert.equal(overloaded.length + handled.length, burst);
      assert.equal(overloaded[0].error.message, 'Server overloaded; retry later.');
      assert.ok(Array.isArray((await stdio.request('thread/list', {})).data), 'served again once the burst drained');
    } finally {
      await stdio.stop();
    }
  });
});
