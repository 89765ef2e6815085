/**
 * MCP tools in turns, against the pinned reference: the same scripted model
 * and the same SDK-built MCP server (stdio and Streamable HTTP) drive both
 * app-servers; tools offered, items, approvals, elicitations and what goes
 * back to the model must match. Error texts are compared by their first line
 * (the cause after it is each server's MCP client's own wording).
 */
import assert from 'node:assert/strict';
import type { Which } from '../helpers/appServerProcess';
import { reply, type ScriptedReply } from '../helpers/scriptedModel';
import { httpServerToml, startHttpFixture, stdioServerToml, type HttpFixture } from '../helpers/mcp/fixtures';
import { mcpItems, namespaceTools, outputsToModel, startMcpRun, startupStatuses, stopAllMcpRuns, stopMcpRun, turn } from './mcpHelpers';

const call = (name: string, args: object, callId: string, namespace = 'mcp__fx') => ({ type: 'function_call' as const, namespace, name, arguments: args, callId });

/** Error texts keep their first line; read_mcp_resource JSON is parsed. */
function portable(value: any): any {
  if (typeof value === 'string') return value.startsWith('tool call error:') ? value.split('\n')[0] : value;
  if (Array.isArray(value)) return value.map(portable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, portable(v)]));
  return value;
}

async function record(which: Which, toml: string, replies: ScriptedReply[], options: Parameters<typeof startMcpRun>[3] & { answer?: (params: any) => unknown } = {}) {
  const run = await startMcpRun(which, toml, replies, options);
  try {
    const requests: any[] = [];
    run.server.onServerRequest('mcpServer/elicitation/request', (request) => {
      requests.push(request.params);
      return options.answer ? options.answer(request.params) : { action: 'accept', content: null, _meta: null };
    });
    const finished = await turn(run);
    return {
      status: finished.status,
      startup: startupStatuses(run.startNotifications),
      tools: namespaceTools(run),
      items: portable(mcpItems(run)),
      outputs: portable(outputsToModel(run)),
      requests: requests.map(({ threadId: _t, turnId, ...rest }) => ({ ...rest, hasTurn: typeof turnId === 'string' })),
      violations: run.server.violations,
    };
  } finally {
    await stopMcpRun(run);
  }
}

async function compare(toml: string, replies: () => ScriptedReply[], options: Parameters<typeof record>[3] = {}) {
  const reference = await record('reference', toml, replies(), options);
  const ours = await record('ours', toml, replies(), options);
  assert.deepEqual(ours.violations, []);
  assert.deepEqual(reference.violations, []);
  assert.deepEqual(ours.startup, reference.startup, 'startup statuses');
  assert.deepEqual(ours.tools, reference.tools, 'namespace tools to the model');
  assert.deepEqual(ours.items, reference.items, 'mcpToolCall items');
  assert.deepEqual(ours.outputs, reference.outputs, 'function_call_output to the model');
  assert.deepEqual(ours.requests, reference.requests, 'elicitation requests');
  assert.equal(ours.status, reference.status);
  return { reference, ours };
}

const toolReplies = (): ScriptedReply[] => [
  reply.items(call('echo', { text: 'hi there' }, 'call_e'), call('add', { a: 2, b: 3 }, 'call_a')),
  reply.items(call('fail', {}, 'call_f'), call('malformed', {}, 'call_m')),
  reply.items(call('nosuch', {}, 'call_n')),
  reply.text('done'),
];

describe('MCP tools in turns, compared with the reference', function () {
  this.timeout(180000);
  afterEach(stopAllMcpRuns);

  it('stdio: the namespace tool, a call, structured content, a tool error, malformed content and an unknown tool', async () => {
    const { ours } = await compare(stdioServerToml('fx'), toolReplies);
    assert.deepEqual(ours.startup, { fx: ['starting', 'ready'] });
    assert.equal(ours.tools[0].name, 'mcp__fx');
    assert.deepEqual(ours.items.map((item: any) => [item.tool, item.status]), [['echo', 'completed'], ['add', 'completed'], ['fail', 'failed'], ['malformed', 'failed']]);
    assert.deepEqual(ours.items[1].result.structuredContent, { sum: 5 });
  });

  describe('Streamable HTTP', () => {
    let http: HttpFixture | undefined;
    after(async () => http?.stop());

    it('the same tools and results over Streamable HTTP (127.0.0.1) with a bearer token', async () => {
      http = await startHttpFixture({ MCP_FIXTURE_REQUIRE_BEARER: 'sekret' });
      const toml = httpServerToml('fx', http.url, ['bearer_token_env_var = "FIXTURE_TOKEN"']);
      const { ours } = await compare(toml, toolReplies, { env: { FIXTURE_TOKEN: 'sekret' } });
      assert.equal(ours.items[0].result.content[0].text, 'echo: hi there');
    });
  });

  it('approvals: a declined call, an accepted one, and a server elicitation answered by the client', async () => {
    const replies = () => [reply.items(call('echo', { text: 'no' }, 'call_no')), reply.items(call('ask', {}, 'call_ask')), reply.items(call('add', { a: 1, b: 1 }, 'call_ro')), reply.text('done')];
    const answer = (params: any) =>
      params._meta?.tool_name === 'echo' ? { action: 'decline', content: null, _meta: null } : params._meta ? { action: 'accept', content: null, _meta: null } : { action: 'accept', content: { name: 'Ada' }, _meta: null };
    const { ours } = await compare(stdioServerToml('fx'), replies, { approvalPolicy: 'on-request', answer });
    assert.deepEqual(ours.items.map((item: any) => item.error?.message ?? item.result.content[0].text), ['user rejected MCP tool call', 'hello Ada', '2']);
    // The read-only tool (add) is not asked about: echo, ask, then the server's own question.
    assert.deepEqual(ours.requests.map((r: any) => r._meta?.tool_name ?? r.message), ['echo', 'ask', 'What is your name?']);
  });

  it('faults: a failed start, a missing command, a startup timeout, a malformed result, a tool timeout and a crash mid-call leave the turn working', async () => {
    const toml = [
      stdioServerToml('fx', { extra: ['tool_timeout_sec = 1'] }),
      stdioServerToml('bad', { env: { MCP_FIXTURE_FAIL_START: '1' } }),
      '[mcp_servers.gone]\ncommand = "/nonexistent/mcp-server"\n',
      stdioServerToml('slow', { env: { MCP_FIXTURE_STARTUP_DELAY_MS: '8000' }, extra: ['startup_timeout_sec = 1'] }),
    ].join('\n');
    const replies = () => [
      reply.items(call('garbled', {}, 'call_g')),
      reply.items(call('sleep', { ms: 3000 }, 'call_s')),
      reply.items(call('crash', {}, 'call_c')),
      reply.items(call('echo', { text: 'after' }, 'call_after')),
      reply.text('done'),
    ];
    const { ours } = await compare(toml, replies);
    assert.deepEqual(ours.startup, { bad: ['starting', 'failed'], fx: ['starting', 'ready'], gone: ['starting', 'failed'], slow: ['starting', 'failed'] });
    assert.deepEqual(ours.items.map((item: any) => item.status), ['failed', 'failed', 'failed', 'failed']);
    assert.equal(ours.items[0].error.message, 'tool call error: tool call failed for `fx/garbled`', 'a malformed result is a failed call');
    assert.equal(ours.status, 'completed');
  });
});
