import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { reply } from '../helpers/scriptedModel';
import { runTurn, startFixture, stopStartedFixtures, type TurnFixture } from './turnHelpers';

describe('turns: the agent loop (our server, scripted model)', function () {
  this.timeout(60000);
  let fixture: TurnFixture | undefined;
  afterEach(stopStartedFixtures);

  it('streams reasoning and an agent message, reports token usage, and builds the model request', async () => {
    fixture = await startFixture('ours', [
      { items: [{ type: 'reasoning', summary: ['**Plan** first', 'then answer'] }, { type: 'message', text: 'Hello from the scripted model.' }] },
    ], { files: { 'AGENTS.md': 'Always say hello.', '.git/HEAD': 'ref: refs/heads/main\n', 'sub/AGENTS.md': 'Sub folder rule.' } });
    const { server, model, cwd } = fixture;
    const turn = await runTurn(fixture, 'hi');
    assert.equal(turn.status, 'completed');
    const methods = server.methods();
    assert.deepEqual(
      methods.filter((m) => !m.toLowerCase().endsWith('delta') && m !== 'thread/started'),
      [
        'thread/status/changed',
        'turn/started',
        'item/started',
        'item/completed',
        'item/started',
        'item/reasoning/summaryPartAdded',
        'item/reasoning/summaryPartAdded',
        'item/completed',
        'item/started',
        'item/completed',
        'thread/tokenUsage/updated',
        'thread/status/changed',
        'turn/completed',
      ],
    );
    const deltas = server.notifications.filter((n) => n.method === 'item/agentMessage/delta').map((n) => n.params.delta);
    assert.equal(deltas.join(''), 'Hello from the scripted model.');
    const reasoning = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'reasoning')!;
    assert.deepEqual(reasoning.params.item.summary, ['**Plan** first', 'then answer']);
    for (const n of server.notifications.filter((n) => n.method === 'item/completed')) {
      assert.ok(n.params.item.startedAtMs > 0 && n.params.item.completedAtMs >= n.params.item.startedAtMs, `${n.params.item.type} carries its lifecycle times`);
    }
    const usage = server.notifications.find((n) => n.method === 'thread/tokenUsage/updated')!;
    assert.equal(usage.params.tokenUsage.total.totalTokens, 120);
    assert.equal(usage.params.tokenUsage.modelContextWindow, 258400, 'the same fallback window as the reference');
    assert.equal(turn.items[0].text, 'Hello from the scripted model.');

    const body = model.modelRequests[0].body;
    assert.equal(body.model, 'mock-model');
    assert.equal(body.stream, true);
    assert.ok(body.instructions.length > 100, 'base instructions are sent');
    const texts = body.input.map((i: any) => i.content?.map((c: any) => c.text).join('') ?? '');
    assert.ok(texts.some((t: string) => t.includes('Always say hello.')), 'AGENTS.md at the repository root is included');
    assert.ok(texts.some((t: string) => t.includes('<environment_context>') && t.includes(`<cwd>${cwd}</cwd>`) && t.includes('<shell>') && t.includes('<current_date>')));
    assert.equal(texts[texts.length - 1], 'hi');
    assert.deepEqual(body.tools.map((t: any) => t.name).sort(), ['apply_patch', 'exec_command', 'update_plan', 'write_stdin']);
    const exec = body.tools.find((t: any) => t.name === 'exec_command');
    for (const arg of ['cmd', 'workdir', 'yield_time_ms', 'max_output_tokens', 'tty', 'login', 'sandbox_permissions', 'justification']) {
      assert.ok(arg in exec.parameters.properties, `exec_command has ${arg}`);
    }
    assert.deepEqual(server.violations, []);
  });

  it('includes AGENTS.md from the repository root down to a nested cwd, and the history on the next turn', async () => {
    fixture = await startFixture('ours', [reply.text('first'), reply.text('second')], {
      files: { 'AGENTS.md': 'Root rule.', '.git/HEAD': 'ref: refs/heads/main\n', 'pkg/AGENTS.md': 'Package rule.' },
    });
    const { server, model, cwd } = fixture;
    const { thread } = await server.request('thread/start', { cwd: path.join(cwd, 'pkg') });
    fixture.threadId = thread.id;
    await runTurn(fixture, 'one');
    await runTurn(fixture, 'two');
    const first = JSON.stringify(model.modelRequests[0].body.input);
    assert.ok(first.indexOf('Root rule.') >= 0 && first.indexOf('Package rule.') > first.indexOf('Root rule.'));
    const second = model.modelRequests[1].body.input;
    const roles = second.filter((i: any) => i.type === 'message').map((i: any) => `${i.role}:${i.content.map((c: any) => c.text).join('')}`);
    assert.ok(roles.includes('user:one') && roles.includes('assistant:first') && roles[roles.length - 1] === 'user:two', roles.join(' | '));
    assert.equal(roles.filter((r: string) => r.includes('<environment_context>')).length, 1, 'the unchanged environment is not repeated');
    assert.deepEqual(server.violations, []);
  });

  it('restates the environment context when a turn changes the cwd', async () => {
    fixture = await startFixture('ours', [reply.text('first'), reply.text('second')], { files: { 'sub/x.txt': 'x' } });
    const { server, model, cwd, threadId } = fixture;
    await runTurn(fixture, 'one');
    const { turn } = await server.request('turn/start', { threadId, input: [{ type: 'text', text: 'two', text_elements: [] }], cwd: path.join(cwd, 'sub') });
    await server.waitFor('turn/completed', (p) => p.turn.id === turn.id);
    const contexts = model.modelRequests[1].body.input
      .map((i: any) => (i.content ?? []).map((c: any) => c.text).join(''))
      .filter((t: string) => t.includes('<environment_context>'));
    assert.equal(contexts.length, 2);
    assert.ok(contexts[1].includes(`<cwd>${path.join(cwd, 'sub')}</cwd>`));
    assert.deepEqual(server.violations, []);
  });

  it('rejects bad turn/start overrides without changing the thread or starting a turn', async () => {
    fixture = await startFixture('ours', [reply.text('ok')]);
    const { server, threadId, cwd } = fixture;
    await assert.rejects(
      server.request('turn/start', { threadId, input: [{ type: 'text', text: 'x', text_elements: [] }], cwd: '/', sandboxPolicy: { type: 'bogus' } }),
      /sandboxPolicy/,
    );
    await assert.rejects(server.request('turn/start', { threadId, input: [] }), /input must contain at least one item/);
    await assert.rejects(server.request('turn/start', { threadId, input: [{ type: 'text', text: 'x' }], cwd: path.join(cwd, 'missing') }), /cwd does not exist/);
    const { thread } = await server.request('thread/read', { threadId, includeTurns: true });
    assert.equal(thread.cwd, cwd);
    assert.equal(thread.turns.length, 0);
    assert.ok(!server.notifications.some((n) => n.method === 'turn/started'));
  });

  it('runs a command in a PTY session and feeds the output back to the model', async () => {
    fixture = await startFixture('ours', [reply.call('exec_command', { cmd: 'echo hello; echo err 1>&2; exit 3' }, 'call_cmd'), reply.text('done')]);
    const { server, model } = fixture;
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'completed');
    const completed = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
    assert.equal(completed.id, 'call_cmd');
    assert.equal(completed.status, 'failed');
    assert.equal(completed.exitCode, 3);
    assert.match(completed.aggregatedOutput, /hello\n[\s\S]*err\n/);
    assert.ok(completed.durationMs >= 0);
    assert.match(completed.command, /-lc 'echo hello; echo err 1>&2; exit 3'$/);
    const deltas = server.notifications.filter((n) => n.method === 'item/commandExecution/outputDelta').map((n) => n.params.delta).join('');
    assert.match(deltas, /hello/);
    const output = model.modelRequests[1].body.input.find((i: any) => i.type === 'function_call_output');
    assert.equal(output.call_id, 'call_cmd');
    assert.match(output.output, /Process exited with code 3/);
    assert.match(output.output, /Output:\nhello\n/);
    assert.deepEqual(server.violations, []);
  });

  it('keeps a session for a long command and talks to it with write_stdin (tty)', async () => {
    fixture = await startFixture('ours', [
      reply.call('exec_command', { cmd: 'read line; echo "got:$line"', tty: true, yield_time_ms: 300 }),
      // The longest yield: write_stdin returns as soon as the process exits, so this only matters on a slow machine.
      reply.call('write_stdin', { session_id: 1000, chars: 'ping\n', yield_time_ms: 30000 }),
      reply.text('done'),
    ]);
    const { server, model } = fixture;
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'completed');
    const firstOutput = model.modelRequests[1].body.input.find((i: any) => i.type === 'function_call_output').output;
    assert.match(firstOutput, /Process running with session ID 1000/);
    const outputs = model.modelRequests[2].body.input.filter((i: any) => i.type === 'function_call_output');
    // On failure, show what the PTY delivered and when (seen once under heavy load: the exit without the last line).
    const streamed = () =>
      JSON.stringify({
        writeStdinReply: outputs[1]?.output,
        deltas: server.notifications.filter((n) => n.method === 'item/commandExecution/outputDelta').map((n) => n.params.delta),
        methods: server.methods(),
      });
    assert.match(outputs[1].output, /got:ping/, streamed());
    assert.match(outputs[1].output, /Process exited with code 0/);
    const interaction = server.notifications.find((n) => n.method === 'item/commandExecution/terminalInteraction')!;
    assert.equal(interaction.params.stdin, 'ping\n');
    const commandItem = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
    assert.equal(interaction.params.itemId, commandItem.id);
    assert.match(commandItem.aggregatedOutput, /got:ping/);
    assert.deepEqual(server.violations, []);
  });

  it('applies a patch: fileChange item with changes, turn diff against the files before the turn (no git)', async () => {
    const patch = '*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n three\n*** Add File: b.txt\n+new\n*** End Patch\n';
    fixture = await startFixture('ours', [reply.call('apply_patch', { input: patch }, 'call_patch'), reply.text('done')], { files: { 'a.txt': 'one\ntwo\nthree\n' } });
    const { server, model, cwd } = fixture;
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'completed');
    assert.equal(fs.readFileSync(path.join(cwd, 'a.txt'), 'utf8'), 'one\nTWO\nthree\n');
    assert.equal(fs.readFileSync(path.join(cwd, 'b.txt'), 'utf8'), 'new\n');
    const item = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'fileChange')!.params.item;
    assert.equal(item.status, 'completed');
    assert.deepEqual(item.changes.map((c: any) => [path.basename(c.path), c.kind.type]), [['a.txt', 'update'], ['b.txt', 'add']]);
    assert.match(item.changes[0].diff, /-two\n\+TWO/);
    const diff = server.notifications.filter((n) => n.method === 'turn/diff/updated').pop()!.params.diff;
    assert.match(diff, /diff --git a\/a.txt b\/a.txt\n/);
    assert.match(diff, /-two\n\+TWO\n/);
    assert.match(diff, /diff --git a\/b.txt b\/b.txt\nnew file mode 100644\n/);
    assert.match(diff, /--- \/dev\/null\n\+\+\+ b\/b.txt\n@@ -0,0 \+1 @@\n\+new\n/);
    const output = model.modelRequests[1].body.input.find((i: any) => i.type === 'function_call_output').output;
    assert.equal(output, 'Success. Updated the following files:\nM a.txt\nA b.txt\n');
    assert.deepEqual(server.violations, []);
  });

  it('intercepts apply_patch heredocs sent through exec_command', async () => {
    const cmd = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: c.txt\n+heredoc\n*** End Patch\nEOF\n";
    fixture = await startFixture('ours', [reply.call('exec_command', { cmd }), reply.text('done')]);
    const { server, cwd } = fixture;
    await runTurn(fixture);
    assert.equal(fs.readFileSync(path.join(cwd, 'c.txt'), 'utf8'), 'heredoc\n');
    assert.ok(server.notifications.some((n) => n.method === 'item/completed' && n.params.item.type === 'fileChange'));
    assert.ok(!server.notifications.some((n) => n.method === 'item/started' && n.params.item.type === 'commandExecution'), 'no shell ran');
    assert.deepEqual(server.violations, []);
  });

  it('passes a turn outputSchema to the model as a JSON schema response format', async () => {
    fixture = await startFixture('ours', [reply.text('{"ok":true}')]);
    const { server, model, threadId } = fixture;
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const { turn } = await server.request('turn/start', { threadId, input: [{ type: 'text', text: 'json please', text_elements: [] }], outputSchema: schema });
    await server.waitFor('turn/completed', (p) => p.turn.id === turn.id);
    assert.deepEqual(model.modelRequests[0].body.text.format, { type: 'json_schema', name: 'codex_output_schema', schema, strict: true });
    assert.deepEqual(server.violations, []);
  });

  it('publishes the plan from update_plan', async () => {
    fixture = await startFixture('ours', [
      reply.call('update_plan', { explanation: 'why', plan: [{ step: 'a', status: 'completed' }, { step: 'b', status: 'in_progress' }] }),
      reply.text('done'),
    ]);
    const { server } = fixture;
    await runTurn(fixture);
    const plan = server.notifications.find((n) => n.method === 'turn/plan/updated')!.params;
    assert.equal(plan.explanation, 'why');
    assert.deepEqual(plan.plan, [{ step: 'a', status: 'completed' }, { step: 'b', status: 'inProgress' }]);
    assert.deepEqual(server.violations, []);
  });

  it('streams through the Chat Completions wire API too', async () => {
    fixture = await startFixture('ours', [reply.call('exec_command', { cmd: 'echo chat-ok' }), reply.text('all good')], { wireApi: 'chat' });
    const { server, model } = fixture;
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'completed');
    assert.equal(turn.items[0].text, 'all good');
    assert.ok(model.modelRequests.every((r) => r.path.endsWith('/chat/completions')));
    const toolMessage = model.modelRequests[1].body.messages.find((m: any) => m.role === 'tool');
    assert.match(toolMessage.content, /chat-ok/);
    assert.deepEqual(server.violations, []);
  });

  it('streams raw reasoning text (open-weight models) as item/reasoning/textDelta', async () => {
    // The scripted model has no raw reasoning events, so a tiny Responses endpoint stands in for it.
    const sse = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const endpoint = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse('response.created', { response: { id: 'r1', status: 'in_progress', output: [] } }));
      res.write(sse('response.output_item.added', { output_index: 0, item: { type: 'reasoning', id: 'rs_raw', summary: [] } }));
      for (const delta of ['Let me ', 'think.']) res.write(sse('response.reasoning_text.delta', { item_id: 'rs_raw', output_index: 0, content_index: 0, delta }));
      res.write(sse('response.output_item.done', { output_index: 0, item: { type: 'reasoning', id: 'rs_raw', summary: [], content: [{ type: 'reasoning_text', text: 'Let me think.' }] } }));
      res.write(sse('response.output_item.added', { output_index: 1, item: { type: 'message', id: 'm1', role: 'assistant', content: [] } }));
      res.write(sse('response.output_text.delta', { item_id: 'm1', output_index: 1, content_index: 0, delta: 'Done.' }));
      res.write(sse('response.output_item.done', { output_index: 1, item: { type: 'message', id: 'm1', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] } }));
      res.end(sse('response.completed', { response: { id: 'r1', status: 'completed', output: [], usage: { input_tokens: 5, output_tokens: 5, total_tokens: 10 } } }));
    });
    await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
    try {
      fixture = await startFixture('ours', []);
      const toml = path.join(fixture.codexHome, 'config.toml');
      const port = (endpoint.address() as AddressInfo).port;
      fs.writeFileSync(toml, fs.readFileSync(toml, 'utf8').replace(/base_url = ".*"/, `base_url = "http://127.0.0.1:${port}/v1"`));
      const { thread } = await fixture.server.request('thread/start', { cwd: fixture.cwd });
      fixture.threadId = thread.id;
      const turn = await runTurn(fixture);
      assert.equal(turn.status, 'completed');
      const deltas = fixture.server.notifications.filter((n) => n.method === 'item/reasoning/textDelta').map((n) => n.params.delta);
      assert.deepEqual(deltas, ['Let me ', 'think.']);
      const item = fixture.server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'reasoning')!.params.item;
      assert.deepEqual(item.content, ['Let me think.']);
      assert.deepEqual(fixture.server.violations, []);
    } finally {
      endpoint.close();
    }
  });

  it('retries 429, 5xx and dropped streams with backoff, then succeeds', async () => {
    fixture = await startFixture('ours', [reply.status(429), reply.status(503), { items: [{ type: 'message', text: 'abcdefghijklmnop' }], dropAfterEvents: 4, eventDelayMs: 20 }, reply.text('finally')], {
      retries: 3,
    });
    const { server, model } = fixture;
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'completed');
    assert.equal(turn.items[0].text, 'finally');
    assert.equal(model.modelRequests.length, 4);
    // The broken attempt's partial message was closed, and the retry streamed a fresh one.
    const messages = server.notifications.filter((n) => n.method === 'item/completed' && n.params.item.type === 'agentMessage').map((n) => n.params.item.text);
    assert.equal(messages[messages.length - 1], 'finally');
    // HTTP retries are silent (as in the reference); the broken stream is reported with willRetry.
    const retries = server.notifications.filter((n) => n.method === 'error');
    assert.equal(retries.length, 1);
    assert.equal(retries[0].params.willRetry, true);
    assert.match(retries[0].params.error.message, /reconnecting 1\/3/);
    assert.ok(model.modelRequests[1].receivedAt - model.modelRequests[0].receivedAt >= 5, 'backoff between attempts');
    assert.deepEqual(server.violations, []);
  });

  it('treats a silent stream as dropped after stream_idle_timeout_ms and retries it', async () => {
    // Far apart on purpose: a healthy stream on a loaded machine can pause for a few hundred ms.
    fixture = await startFixture('ours', [{ items: [{ type: 'message', text: 'slow' }], initialDelayMs: 0, eventDelayMs: 20000 }, reply.text('quick')], {
      retries: 1,
    });
    const toml = path.join(fixture.codexHome, 'config.toml');
    fs.appendFileSync(toml, 'stream_idle_timeout_ms = 2000\n');
    const { thread } = await fixture.server.request('thread/start', { cwd: fixture.cwd });
    fixture.threadId = thread.id;
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'completed');
    assert.equal(turn.items[0].text, 'quick');
    const drop = fixture.server.notifications.find((n) => n.method === 'error')!;
    assert.match(drop.params.error.message, /idle for 2000 ms/);
    assert.deepEqual(fixture.server.violations, []);
  });

  it('fails the turn with an error notification when retries are exhausted', async () => {
    fixture = await startFixture('ours', [reply.status(500), reply.status(500)], { retries: 1 });
    const { server } = fixture;
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'failed');
    assert.match(turn.error.message, /HTTP 500/);
    const finalError = server.notifications.filter((n) => n.method === 'error').pop()!;
    assert.equal(finalError.params.willRetry, false);
    assert.match(finalError.params.error.message, /gave up after 2 attempts/);
    assert.deepEqual(server.violations, []);
  });

  it('fails with a clear message when the provider key is missing', async () => {
    fixture = await startFixture('ours', [reply.text('unused')]);
    const { server } = fixture;
    const toml = path.join(fixture.codexHome, 'config.toml');
    fs.writeFileSync(toml, fs.readFileSync(toml, 'utf8').replace('env_key = "MOCK_KEY"', 'env_key = "MISSING_TEST_KEY"'));
    const { thread } = await server.request('thread/start', { cwd: fixture.cwd });
    fixture.threadId = thread.id;
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'failed');
    assert.match(turn.error.message, /MISSING_TEST_KEY/);
    assert.deepEqual(server.violations, []);
  });
});
