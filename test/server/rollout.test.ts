/**
 * The rollout format in isolation: what LoadedThread writes, the reader
 * restores (turns, items, model history, name, goal, usage, settings); bad
 * lines are skipped with warnings; the reference CLI's formats are read.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseRolloutText, readRollout } from '../../server/rollout/reader';
import { RolloutWriter } from '../../server/rollout/writer';
import { rolloutFileName, threadIdFromFileName } from '../../server/rollout/format';
import { LoadedThread } from '../../server/thread/loadedThread';
import { emptyThreadContent } from '../../server/thread/threadInit';
import type { ClientSession } from '../../server/core/session';
import { makeTempDir } from '../helpers/tempDir';

const tmp = () => makeTempDir('rollout-unit-');

function newThread(dir: string, changes: string[] = []) {
  const id = '019a1111-2222-7333-8444-555566667777';
  return new LoadedThread(
    {
      id,
      sessionId: id,
      forkedFromId: null,
      createdAt: 1_700_000_000,
      updatedAt: 1_700_000_000,
      settings: {
        cwd: dir,
        model: 'm1',
        modelProvider: 'mock',
        reasoningEffort: 'high',
        approvalPolicy: 'on-request',
        approvalsReviewer: 'user',
        sandbox: { type: 'readOnly', networkAccess: false },
        baseInstructions: null,
        developerInstructions: 'be brief',
      },
      config: { raw: {} },
      ephemeral: false,
      rolloutPath: path.join(dir, 'sessions', rolloutFileName(new Date(1_700_000_000_000), id)),
      source: 'vscode',
      originator: 'unit',
      cliVersion: '1.0.0',
      gitInfo: null,
      ...emptyThreadContent(),
    },
    { onThreadChanged: (thread) => changes.push(thread.id) },
  );
}

describe('rollout files', () => {
  it('round-trips a thread written through the LoadedThread API', () => {
    const dir = tmp();
    const changes: string[] = [];
    const thread = newThread(dir, changes);
    assert.equal(fs.existsSync(thread.rolloutPath!), false, 'nothing on disk before content');

    const turn = thread.beginTurn();
    assert.equal(thread.activeTurn?.id, turn.id);
    thread.recordItem(turn.id, { type: 'userMessage', id: 'u1', clientId: null, content: [{ type: 'text', text: 'Fix   the\nbug', text_elements: [] }] });
    thread.appendHistory([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix the bug' }] }]);
    thread.appendHistory([
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"command":["ls"]}' },
      { type: 'function_call_output', call_id: 'c1', output: 'a.txt' },
    ]);
    thread.recordItem(turn.id, { type: 'agentMessage', id: 'a1', text: 'draft', phase: null, moderation: null, memoryCitation: null, delivery: null, questions: null });
    // Same id again: the completed version replaces the earlier one.
    thread.recordItem(turn.id, { type: 'agentMessage', id: 'a1', text: 'Done.', phase: 'final_answer', moderation: null, memoryCitation: null, delivery: null, questions: null });
    thread.updateTokenUsage(turn.id, { totalTokens: 15, inputTokens: 10, cachedInputTokens: 2, cacheWriteInputTokens: 0, outputTokens: 5, reasoningOutputTokens: 1 }, 1000);
    thread.updateTokenUsage(turn.id, { totalTokens: 15, inputTokens: 10, cachedInputTokens: 2, cacheWriteInputTokens: 0, outputTokens: 5, reasoningOutputTokens: 1 });
    const done = thread.completeTurn(turn.id, 'completed');
    assert.equal(done.status, 'completed');
    assert.equal(thread.activeTurn, undefined);
    thread.setName('Bug fix');
    thread.setGoal({ threadId: thread.id, objective: 'ship', status: 'active', tokenBudget: null, tokensUsed: 0, timeUsedSeconds: 0, createdAt: 1, updatedAt: 1 });
    thread.model = 'm2';
    thread.persistSettings();
    const failed = thread.beginTurn();
    thread.completeTurn(failed.id, 'failed', { message: 'boom', codexErrorInfo: null, additionalDetails: null });
    thread.close();
    assert.ok(changes.length > 0, 'the host heard about summary changes');

    const parsed = readRollout(thread.rolloutPath!);
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.meta?.id, thread.id);
    assert.equal(parsed.preview, 'Fix the bug');
    assert.equal(parsed.name, 'Bug fix');
    assert.equal(parsed.goal?.objective, 'ship');
    assert.equal(parsed.settings.model, 'm2');
    assert.equal(parsed.settings.reasoningEffort, 'high');
    assert.equal(parsed.settings.developerInstructions, 'be brief');
    assert.deepEqual(parsed.settings.sandboxPolicy, { type: 'readOnly', networkAccess: false });
    assert.deepEqual(parsed.turns.map((t) => t.status), ['completed', 'failed']);
    assert.equal(parsed.turns[1].error?.message, 'boom');
    assert.deepEqual(parsed.turns[0].items.map((i) => [i.type, i.id]), [['userMessage', 'u1'], ['agentMessage', 'a1']]);
    assert.equal((parsed.turns[0].items[1] as { text: string }).text, 'Done.');
    assert.deepEqual(parsed.history.map((h) => h.item), thread.history);
    assert.ok(parsed.history.every((h) => h.turnId === turn.id));
    assert.equal(parsed.tokenUsage?.total.totalTokens, 30);
    assert.equal(parsed.tokenUsage?.last.totalTokens, 15);
    assert.equal(parsed.tokenUsage?.modelContextWindow, 1000);
    const firstLine = JSON.parse(fs.readFileSync(thread.rolloutPath!, 'utf8').split('\n')[0]);
    assert.deepEqual(Object.keys(firstLine), ['timestamp', 'type', 'payload']);
    assert.equal(firstLine.type, 'session_meta');
  });

  it('notifies only subscribers and only on status changes', () => {
    const thread = newThread(tmp());
    const sent: [string, unknown][] = [];
    const session = { isClosed: false, notify: (method: string, params: unknown) => sent.push([method, params]) } as unknown as ClientSession;
    thread.setStatus({ type: 'active', activeFlags: [] });
    assert.equal(sent.length, 0);
    thread.subscribe(session);
    thread.setStatus({ type: 'active', activeFlags: [] });
    assert.equal(sent.length, 0, 'unchanged status is not re-sent');
    thread.setStatus({ type: 'active', activeFlags: ['waitingOnApproval'] });
    thread.setStatus({ type: 'idle' });
    assert.deepEqual(sent.map(([m, p]) => [m, (p as { status: { type: string } }).status.type]), [
      ['thread/status/changed', 'active'],
      ['thread/status/changed', 'idle'],
    ]);
    assert.equal(thread.unsubscribe(session), true);
    thread.notify('thread/archived', { threadId: thread.id });
    assert.equal(sent.length, 2);
  });

  it('skips corrupt, envelope-less and truncated lines with numbered warnings', () => {
    const text = [
      JSON.stringify({ timestamp: '2025-01-01T00:00:00Z', type: 'session_meta', payload: { id: 'abc', timestamp: '2025-01-01T00:00:00Z', cwd: '/x' } }),
      '{{{',
      JSON.stringify({ type: 'event_msg' }),
      JSON.stringify({ timestamp: '2025-01-01T00:00:01Z', type: 'event_msg', payload: { type: 'task_started', turn_id: 't1' } }),
      JSON.stringify({ timestamp: '2025-01-01T00:00:02Z', type: 'event_msg', payload: { type: 'thread_item_completed', turn_id: 't1', item: { type: 'userMessage', id: 'u', clientId: null, content: [] } } }),
      '{"timestamp":"2025-01-01T00:00:03Z","type":"event_msg","payload":{"type":"task_comp',
    ].join('\n');
    const parsed = parseRolloutText(text, 'f.jsonl');
    assert.equal(parsed.warnings.length, 3);
    assert.match(parsed.warnings[0], /^f\.jsonl:2: skipped corrupt line/);
    assert.match(parsed.warnings[1], /^f\.jsonl:3: skipped line without type\/payload/);
    assert.match(parsed.warnings[2], /^f\.jsonl:6:/);
    assert.equal(parsed.turns.length, 1);
    assert.equal(parsed.turns[0].status, 'interrupted', 'a turn never completed was cut short');
    assert.equal(parsed.lastTimestamp, Date.parse('2025-01-01T00:00:02Z') / 1000);
  });

  it('reads the reference CLI formats: core items, aborted turns, legacy events, its sandbox shape', () => {
    const line = (type: string, payload: object) => JSON.stringify({ timestamp: '2025-05-05T10:00:00.000Z', type, payload });
    const text = [
      line('session_meta', { id: '019a0000-0000-7000-8000-00000000000a', timestamp: '2025-05-05T10:00:00.000Z', cwd: '/repo', originator: 'codex_cli_rs', cli_version: '0.169.0', source: 'cli', model_provider: 'openai', base_instructions: { text: 'base' } }),
      line('turn_context', { turn_id: 't1', cwd: '/repo', model: 'gpt-x', approval_policy: 'never', sandbox_policy: { type: 'workspace-write', writable_roots: ['/repo'], network_access: true } }),
      line('event_msg', { type: 'task_started', turn_id: 't1', started_at: 1746439200 }),
      line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>…</environment_context>' }] }),
      line('event_msg', { type: 'item_completed', turn_id: 't1', item: { type: 'UserMessage', id: 'i1', content: [{ type: 'text', text: 'hello', text_elements: [] }] }, started_at_ms: 5, completed_at_ms: 6 }),
      line('event_msg', { type: 'item_completed', turn_id: 't1', item: { type: 'Reasoning', id: 'i2', summary_text: ['think'], raw_content: [] } }),
      line('event_msg', { type: 'item_completed', turn_id: 't1', item: { type: 'AgentMessage', id: 'i3', content: [{ type: 'Text', text: 'hi!' }] } }),
      line('event_msg', { type: 'task_complete', turn_id: 't1', completed_at: 1746439201, duration_ms: 900 }),
      line('event_msg', { type: 'task_started', turn_id: 't2' }),
      line('event_msg', { type: 'turn_aborted', turn_id: 't2', reason: 'interrupted' }),
      // An older CLI: no task events, plain user/agent message events.
      line('event_msg', { type: 'user_message', message: 'old style question' }),
      line('event_msg', { type: 'agent_message', message: 'old style answer' }),
      line('event_msg', { type: 'token_count', info: { total_token_usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 }, last_token_usage: null, model_context_window: 200000 } }),
    ].join('\n');
    const parsed = parseRolloutText(text);
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.settings.model, 'gpt-x');
    assert.equal(parsed.settings.baseInstructions, 'base');
    assert.deepEqual(parsed.settings.sandboxPolicy, { type: 'workspace-write', writable_roots: ['/repo'], network_access: true });
    assert.equal(parsed.preview, 'hello');
    assert.deepEqual(parsed.turns.map((t) => [t.id, t.status]), [
      ['t1', 'completed'],
      ['t2', 'interrupted'],
      [parsed.turns[2].id, 'interrupted'],
    ]);
    assert.deepEqual(parsed.turns[0].items, [
      { type: 'userMessage', id: 'i1', clientId: null, content: [{ type: 'text', text: 'hello', text_elements: [] }], startedAtMs: 5, completedAtMs: 6 },
      { type: 'reasoning', id: 'i2', summary: ['think'], content: [] },
      { type: 'agentMessage', id: 'i3', text: 'hi!', phase: null, moderation: null, memoryCitation: null, delivery: null, questions: null },
    ]);
    assert.equal(parsed.turns[0].durationMs, 900);
    assert.deepEqual(parsed.turns[2].items.map((i) => i.type), ['userMessage', 'agentMessage']);
    assert.equal(parsed.tokenUsage?.total.totalTokens, 10);
  });

  it('starts appends on a fresh line after a torn tail, and names files like the reference', () => {
    const dir = tmp();
    const file = path.join(dir, 'nested', 'r.jsonl');
    const writer = new RolloutWriter(file);
    writer.append('event_msg', { type: 'a' });
    writer.close();
    fs.appendFileSync(file, '{"timestamp":"x","type":"event_msg","payl');
    const again = new RolloutWriter(file);
    again.append('event_msg', { type: 'b' });
    again.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 4);
    assert.equal(JSON.parse(lines[2]).payload.type, 'b');
    assert.equal(parseRolloutText(fs.readFileSync(file, 'utf8')).warnings.length, 1);

    const id = '019a0000-0000-7000-8000-0000000000ff';
    const name = rolloutFileName(new Date(2025, 0, 2, 3, 4, 5), id);
    assert.equal(name, `rollout-2025-01-02T03-04-05-${id}.jsonl`);
    assert.equal(threadIdFromFileName(name), id);
    assert.equal(threadIdFromFileName('notes.jsonl'), null);
  });
});
