/**
 * `thread/shellCommand` (the chat's `!command`) on the reference and on our
 * server with the same scripted model: the same turn and item notifications,
 * the same commandExecution item (source userShell), and the same
 * `<user_shell_command>` record in the next model request, placed before the
 * thread's context as the reference places it.
 */
import assert from 'node:assert/strict';
import type { Which } from '../helpers/appServerProcess';
import { reply } from '../helpers/scriptedModel';
import { methodSequence, runTurn, startFixture, stopFixture, stopStartedFixtures } from './turnHelpers';

async function record(which: Which) {
  const fixture = await startFixture(which, [reply.text('noted')], { files: { 'a.txt': 'alpha\n' } });
  try {
    const { server, threadId } = fixture;
    const results: any[] = [];
    for (const command of ['echo hi there; pwd; cat a.txt', 'echo oops >&2; exit 3']) {
      results.push(await server.request('thread/shellCommand', { threadId, command }));
      await server.waitFor('turn/completed', (p) => p.threadId === threadId && server.notifications.filter((n) => n.method === 'turn/completed').length === results.length, 20000);
    }
    const sequence = methodSequence(server.methods()).filter((m) => m !== 'item/commandExecution/outputDelta');
    const items = server.notifications.filter((n) => n.method === 'item/completed').map((n) => n.params.item);
    await runTurn(fixture, 'what did you see?');
    const input = fixture.model.modelRequests[0].body.input as any[];
    const read = await server.request('thread/read', { threadId, includeTurns: true });
    let emptyError: any;
    await server.request('thread/shellCommand', { threadId, command: '  ' }).catch((e) => (emptyError = e));
    return { results, sequence, items, input, read: read.thread.turns, cwd: fixture.cwd, violations: server.violations, emptyError };
  } finally {
    await stopFixture(fixture);
  }
}

/** What of a model input item can be compared: role and text, with the workspace path and timings made neutral. */
function portableInput(input: any[], cwd: string) {
  return input
    .filter((m) => m.type === 'message')
    .map((m) => ({
      role: m.role,
      text: m.content
        .map((c: any) => c.text)
        .join('')
        .split(cwd)
        .join('<cwd>')
        .replace(/Duration: \d+\.\d{4} seconds/g, 'Duration: <s> seconds'),
    }));
}

describe('thread/shellCommand compared with the reference', function () {
  this.timeout(120000);
  afterEach(stopStartedFixtures);

  it('runs as a userShell turn whose output reaches the next model request', async () => {
    const reference = await record('reference');
    const ours = await record('ours');
    assert.deepEqual(ours.violations, []);
    assert.deepEqual(ours.results, reference.results);
    assert.deepEqual(ours.sequence, reference.sequence);
    const portableItem = (item: any, cwd: string) => ({
      type: item.type,
      source: item.source,
      command: item.command,
      cwd: item.cwd === cwd,
      status: item.status,
      exitCode: item.exitCode,
      aggregatedOutput: item.aggregatedOutput?.split(cwd).join('<cwd>'),
      commandActions: item.commandActions,
      processId: item.processId,
    });
    assert.deepEqual(ours.items.map((i) => portableItem(i, ours.cwd)), reference.items.map((i) => portableItem(i, reference.cwd)));
    assert.equal(ours.items[1].status, 'failed');
    assert.equal(ours.items[1].exitCode, 3);

    // The next request: both records, then the context, then the prompt (user/developer texts compared where both send the same).
    const shellRecords = (run: typeof ours) => portableInput(run.input, run.cwd).filter((m) => m.text.startsWith('<user_shell_command>'));
    assert.deepEqual(shellRecords(ours), shellRecords(reference));
    const order = (run: typeof ours) =>
      portableInput(run.input, run.cwd)
        .map((m) => (m.text.startsWith('<user_shell_command>') ? 'shell' : m.text.startsWith('<environment_context>') ? 'environment' : m.text === 'what did you see?' ? 'prompt' : null))
        .filter(Boolean);
    assert.deepEqual(order(ours), order(reference));
    assert.deepEqual(order(ours), ['shell', 'shell', 'environment', 'prompt']);

    // thread/read: three turns, the first two holding only their commandExecution item.
    const shape = (turns: any[]) => turns.map((t) => ({ status: t.status, items: t.items.map((i: any) => `${i.type}:${i.source ?? ''}`) }));
    assert.deepEqual(shape(ours.read), shape(reference.read));
    assert.equal(ours.emptyError?.code, -32602);
  });
});
