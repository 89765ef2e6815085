/**
 * Context compaction against our server and the pinned reference, with the
 * same scripted model: thread/compact/start, automatic compaction at
 * `model_auto_compact_token_limit`, a context-length error, a summary that
 * cannot be produced, and a resume after compaction across a restart.
 */
import assert from 'node:assert/strict';
import { AppServerProcess, type Notification, type Which } from '../helpers/appServerProcess';
import { reply, type RecordedRequest, type ScriptedReply } from '../helpers/scriptedModel';
import { methodSequence, runTurn, startFixture, stopStartedFixtures, type TurnFixture } from './turnHelpers';

const withUsage = (r: ScriptedReply, input: number, output = 10): ScriptedReply => ({ ...r, usage: { input_tokens: input, output_tokens: output } });
const contextLengthError = (): ScriptedReply => ({
  items: [{ type: 'break', how: 'failed', code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model.' }],
});

/** Each input item as one line: `role: text`, `function_call`, `output: …`. */
function inputLines(request: RecordedRequest): string[] {
  return (request.body.input as any[]).map((item) =>
    item.type === 'message'
      ? `${item.role}: ${(item.content as any[]).map((part) => part.text ?? '').join('')}`
      : item.type === 'function_call_output'
        ? `output: ${typeof item.output === 'string' ? item.output : JSON.stringify(item.output)}`
        : item.type,
  );
}
const isSummarization = (request: RecordedRequest) => (request.body.tools ?? []).length === 0;
const summaryLine = (lines: string[], summary: string) => lines.find((line) => line.startsWith('user: ') && line.endsWith(summary));

/** Runs thread/compact/start and returns the compaction turn's notifications. */
async function compact(fixture: TurnFixture): Promise<{ result: unknown; notes: Notification[]; turn: any }> {
  const from = fixture.server.notifications.length;
  const result = await fixture.server.request('thread/compact/start', { threadId: fixture.threadId });
  const started = await fixture.server.waitFor('turn/started', (p) => fixture.server.notifications.findIndex((n) => n.params === p) >= from);
  const completed = await fixture.server.waitFor('turn/completed', (p) => p.turn.id === started.params.turn.id, 30000);
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { result, notes: fixture.server.notifications.slice(from), turn: completed.params.turn };
}

async function restart(fixture: TurnFixture): Promise<void> {
  await fixture.server.stop();
  fixture.server = await AppServerProcess.start(fixture.server.which, { codexHome: fixture.codexHome, cwd: fixture.cwd });
}

describe('context compaction (ours and the reference)', function () {
  this.timeout(120000);
  afterEach(stopStartedFixtures);

  const observed: Partial<Record<Which, { sequence: string[]; itemTypes: string[]; usageUpdates: number }>> = {};
  for (const which of ['reference', 'ours'] as const) {
    it(`thread/compact/start runs one compaction turn; later requests carry the user messages and the summary (${which})`, async () => {
      const fixture = await startFixture(which, [
        withUsage(reply.text('first answer'), 1000, 50),
        withUsage(reply.text('SUMMARY OF THE WORK'), 1200, 30),
        withUsage(reply.text('after compaction'), 300),
      ]);
      const { server, model } = fixture;
      await runTurn(fixture, 'hello one');
      const { result, notes, turn } = await compact(fixture);
      assert.deepEqual(result, {});
      assert.equal(turn.status, 'completed');
      const sequence = methodSequence(notes.map((n) => n.method)).filter((m) => m !== 'thread/tokenUsage/updated');
      assert.deepEqual(sequence, ['thread/status/changed', 'turn/started', 'item/started', 'item/completed', 'thread/status/changed', 'turn/completed']);
      const items = notes.filter((n) => n.method === 'item/completed').map((n) => n.params.item.type);
      assert.deepEqual(items, ['contextCompaction'], 'one contextCompaction item and no agent message');

      // The summarization request: the same provider, streamed, no tools, the history plus an instruction.
      assert.equal(model.modelRequests.length, 2);
      const summarization = model.modelRequests[1];
      assert.ok(isSummarization(summarization));
      assert.equal(summarization.body.stream, true);
      const asked = inputLines(summarization);
      assert.ok(asked.includes('user: hello one') && asked.includes('assistant: first answer'), asked.join('\n'));
      assert.match(asked.at(-1)!, /^user: [\s\S]*summar/i, 'ends with a summarization instruction');

      // Token usage: the summary's usage is added; then `last` estimates the compacted history.
      const usages = notes.filter((n) => n.method === 'thread/tokenUsage/updated').map((n) => n.params.tokenUsage);
      const final = usages.at(-1);
      assert.equal(final.total.totalTokens, 1050 + 1230);
      assert.equal(final.last.inputTokens, 0);
      assert.ok(final.last.totalTokens > 0);
      assert.equal(final.modelContextWindow, 258400);

      await runTurn(fixture, 'hello two');
      const next = inputLines(model.modelRequests[2]);
      assert.ok(!next.includes('assistant: first answer'), 'the full history is gone');
      const hello = next.indexOf('user: hello one');
      const summary = next.findIndex((line) => line.startsWith('user: ') && line.endsWith('SUMMARY OF THE WORK'));
      assert.ok(hello >= 0 && summary > hello && next.at(-1) === 'user: hello two', next.join('\n'));
      assert.ok(next.some((line) => line.includes('<environment_context>')), 'the initial context is kept');

      const { thread } = await server.request('thread/read', { threadId: fixture.threadId, includeTurns: true });
      assert.deepEqual(thread.turns.map((t: any) => t.items.map((i: any) => i.type)), [['userMessage', 'agentMessage'], ['contextCompaction'], ['userMessage', 'agentMessage']]);
      observed[which] = { sequence, itemTypes: items, usageUpdates: usages.length };
      assert.deepEqual(server.violations, []);

      // After a restart, a resumed thread shows the compaction turn and still sends the compacted history.
      await restart(fixture);
      const resumed = await fixture.server.request('thread/resume', { threadId: fixture.threadId });
      assert.deepEqual(resumed.thread.turns[1].items.map((i: any) => i.type), ['contextCompaction']);
      const usage = await fixture.server.waitFor('thread/tokenUsage/updated');
      assert.equal(usage.params.tokenUsage.total.totalTokens, 1050 + 1230 + 310, 'usage restored on resume');
      model.enqueue(reply.text('after restart'));
      await runTurn(fixture, 'hello three');
      const afterRestart = inputLines(model.modelRequests.at(-1)!);
      assert.ok(!afterRestart.includes('assistant: first answer'), afterRestart.join('\n'));
      assert.ok(summaryLine(afterRestart, 'SUMMARY OF THE WORK'), afterRestart.join('\n'));
      assert.ok(afterRestart.includes('assistant: after compaction') && afterRestart.at(-1) === 'user: hello three');
      assert.deepEqual(fixture.server.violations, []);
    });
  }

  it('ours and the reference emit the same compaction turn', function () {
    if (!observed.ours || !observed.reference) this.skip();
    assert.deepEqual(observed.ours, observed.reference);
  });

  for (const which of ['reference', 'ours'] as const) {
    it(`a small model_auto_compact_token_limit compacts before a turn and between requests of a turn (${which})`, async () => {
      const fixture = await startFixture(
        which,
        [
          withUsage(reply.text('first answer'), 1000),
          withUsage(reply.text('SUMMARY A'), 900),
          withUsage(reply.call('exec_command', { cmd: 'echo hi' }), 1000),
          withUsage(reply.text('SUMMARY B'), 900),
          withUsage(reply.text('done two'), 300),
        ],
        { extra: 'model_auto_compact_token_limit = 500' },
      );
      const { server, model } = fixture;
      await runTurn(fixture, 'hello one');
      const from = server.notifications.length;
      const turn = await runTurn(fixture, 'hello two');
      assert.equal(turn.status, 'completed');
      const items = server.notifications.slice(from).filter((n) => n.method === 'item/completed').map((n) => n.params.item.type);
      assert.deepEqual(items, ['contextCompaction', 'userMessage', 'commandExecution', 'contextCompaction', 'agentMessage']);
      const kinds = model.modelRequests.map((r) => (isSummarization(r) ? 'summary' : 'turn'));
      assert.deepEqual(kinds, ['turn', 'summary', 'turn', 'summary', 'turn']);
      // Before the turn: the new prompt is not part of what is summarized; it follows the summary.
      assert.ok(!inputLines(model.modelRequests[1]).includes('user: hello two'));
      const afterFirst = inputLines(model.modelRequests[2]);
      assert.ok(summaryLine(afterFirst, 'SUMMARY A') && afterFirst.at(-1) === 'user: hello two', afterFirst.join('\n'));
      // Mid-turn: the command's output is summarized, and the turn goes on with the new summary last.
      assert.ok(inputLines(model.modelRequests[3]).some((line) => line.startsWith('output: ') && line.includes('hi')));
      const afterSecond = inputLines(model.modelRequests[4]);
      assert.ok(summaryLine(afterSecond, 'SUMMARY B') && afterSecond.at(-1)!.endsWith('SUMMARY B'), afterSecond.join('\n'));
      assert.ok(!summaryLine(afterSecond, 'SUMMARY A'), 'an older summary is replaced');
      assert.ok(afterSecond.includes('user: hello one') && afterSecond.includes('user: hello two'));
      assert.deepEqual(server.violations, []);
    });
  }

  for (const which of ['reference', 'ours'] as const) {
    it(`a context-length error from the model: ours compacts and retries once, the reference fails the turn (${which})`, async () => {
      const fixture = await startFixture(which, [
        withUsage(reply.text('first answer'), 1000),
        contextLengthError(),
        withUsage(reply.text('SUMMARY C'), 900),
        withUsage(reply.text('retried answer'), 300),
      ]);
      const { server, model } = fixture;
      await runTurn(fixture, 'hello one');
      const from = server.notifications.length;
      const turn = await runTurn(fixture, 'hello two');
      const items = server.notifications.slice(from).filter((n) => n.method === 'item/completed').map((n) => n.params.item.type);
      if (which === 'reference') {
        // The reference gives up at once (what the issue asks us to improve on).
        assert.equal(turn.status, 'failed');
        assert.equal(turn.error.codexErrorInfo, 'contextWindowExceeded');
        assert.equal(model.modelRequests.length, 2);
        return;
      }
      assert.equal(turn.status, 'completed', JSON.stringify(turn.error));
      assert.deepEqual(items, ['userMessage', 'contextCompaction', 'agentMessage']);
      assert.deepEqual(model.modelRequests.map((r) => (isSummarization(r) ? 'summary' : 'turn')), ['turn', 'turn', 'summary', 'turn']);
      const retried = inputLines(model.modelRequests[3]);
      assert.ok(!retried.includes('assistant: first answer') && summaryLine(retried, 'SUMMARY C'), retried.join('\n'));
      assert.ok(retried.includes('user: hello two'));
      assert.equal(server.notifications.slice(from).filter((n) => n.method === 'error').length, 0, 'no error shown for a recovered turn');
      assert.deepEqual(server.violations, []);
    });
  }

  it('a context-length error after the retry fails the turn with contextWindowExceeded (ours)', async () => {
    const fixture = await startFixture('ours', [withUsage(reply.text('first answer'), 1000), contextLengthError(), withUsage(reply.text('SUMMARY D'), 900), contextLengthError()]);
    await runTurn(fixture, 'hello one');
    const turn = await runTurn(fixture, 'hello two');
    assert.equal(turn.status, 'failed');
    assert.equal(turn.error.codexErrorInfo, 'contextWindowExceeded');
    assert.match(turn.error.message, /context window/);
    assert.equal(fixture.model.modelRequests.length, 4, 'one retry only');
    assert.deepEqual(fixture.server.violations, []);
  });

  for (const which of ['reference', 'ours'] as const) {
    it(`a summary that cannot be produced fails the compaction turn and leaves the history as it was (${which})`, async () => {
      const fixture = await startFixture(which, [
        withUsage(reply.text('first answer'), 1000),
        { items: [{ type: 'break', how: 'failed', code: 'server_error', message: 'summary broke' }] },
        withUsage(reply.text('next'), 100),
      ]);
      const { server, model } = fixture;
      await runTurn(fixture, 'hello one');
      const { notes, turn } = await compact(fixture);
      assert.equal(turn.status, 'failed');
      assert.match(turn.error.message, /summary broke/);
      assert.ok(notes.some((n) => n.method === 'error' && n.params.willRetry === false));
      assert.ok(notes.some((n) => n.method === 'item/started' && n.params.item.type === 'contextCompaction'));
      assert.ok(!notes.some((n) => n.method === 'item/completed'), 'the compaction item never completes');
      await runTurn(fixture, 'hello two');
      const next = inputLines(model.modelRequests.at(-1)!);
      assert.ok(next.includes('user: hello one') && next.includes('assistant: first answer') && next.at(-1) === 'user: hello two', next.join('\n'));
      assert.deepEqual(server.violations, []);
    });
  }
});
