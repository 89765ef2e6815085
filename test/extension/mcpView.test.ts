/**
 * The MCP view model and chat helpers without VS Code: tree nodes from
 * `mcpServerStatus/list` and live startup statuses, the config entry lookup,
 * `/mcp` text, and elicitation forms (fields from the schema, typed content).
 */
import assert from 'node:assert/strict';
import { findServerEntryLine, McpServerModel, type McpNode } from '../../extension/mcp/mcpModel';
import { describeMcpServers, elicitationContent, elicitationFields, mcpResultText } from '../../extension/mcp/mcpText';

const listed: { data: any[]; nextCursor: null } = {
  data: [
    { name: 'fx', runtimeStatus: 'connected', tools: { echo: { name: 'echo', title: 'Echo' }, add: { name: 'add', description: 'Adds' } }, resources: [{ uri: 'fixture://readme', name: 'readme' }], toolsError: null, authStatus: 'unsupported', httpOrigin: null },
    { name: 'bad', runtimeStatus: 'failed', tools: {}, resources: [], toolsError: 'MCP client for `bad` failed to start: exit 3\nmore', authStatus: 'unsupported', httpOrigin: null },
  ],
  nextCursor: null,
};

describe('MCP view model', () => {
  it('lists servers with state, tools and resources; a failed one shows its first error line', async () => {
    const calls: { method: string; params: unknown }[] = [];
    const model = new McpServerModel(async (method, params) => (calls.push({ method, params }), listed as any), () => undefined);
    assert.equal(model.status, 'waitingForServer');
    await model.setServerReady(true);
    assert.deepEqual(calls, [{ method: 'mcpServerStatus/list', params: {} }]);
    const [bad, fx] = model.nodes() as Extract<McpNode, { kind: 'server' }>[];
    assert.equal(bad.state, 'failed');
    assert.deepEqual(bad.children, [{ kind: 'message', text: 'MCP client for `bad` failed to start: exit 3', severity: 'error' }]);
    assert.equal(fx.description, '2 tools, 1 resource');
    assert.deepEqual(fx.children.map((c: any) => c.name ?? c.uri), ['add', 'echo', 'fixture://readme']);
    assert.equal(model.find('bad')?.error, listed.data[1].toolsError);
  });

  it('asks for the open thread first and falls back to the configured servers', async () => {
    const calls: unknown[] = [];
    const model = new McpServerModel(async (_method, params: any) => {
      calls.push(params);
      if (params.threadId) throw new Error('thread not loaded');
      return listed as any;
    }, () => 'thread-1');
    await model.setServerReady(true);
    assert.deepEqual(calls, [{ threadId: 'thread-1' }, {}]);
  });

  it('shows live startup statuses at once and says when listing failed', async () => {
    let fail = false;
    const model = new McpServerModel(async () => {
      if (fail) throw new Error('boom');
      return { data: [] } as any;
    }, () => undefined);
    await model.setServerReady(true);
    assert.deepEqual(model.nodes(), [{ kind: 'message', text: 'No MCP servers configured ([mcp_servers.<name>] in config.toml).', severity: 'info' }]);
    fail = true;
    model.applyStartupStatus({ name: 'new', status: 'starting', error: null });
    assert.equal((model.nodes()[0] as any).state, 'starting');
    await model.refresh();
    assert.equal(model.status, 'failed');
    assert.equal((model.nodes()[1] as any).kind, 'retry');
  });

  it('finds the [mcp_servers.<name>] line, quoted or not', () => {
    const text = '[model_providers.x]\n\n[mcp_servers.fx]\ncommand = "a"\n[mcp_servers."my.server"]\n';
    assert.equal(findServerEntryLine(text, 'fx'), 2);
    assert.equal(findServerEntryLine(text, 'my.server'), 4);
    assert.equal(findServerEntryLine(text, 'nope'), -1);
  });
});

describe('MCP chat helpers', () => {
  it('/mcp lists servers, their state and tools', () => {
    assert.equal(
      describeMcpServers(listed.data),
      'MCP servers (2):\n• fx — 2 tools\n    add, echo\n    resources: fixture://readme\n• bad — failed: MCP client for `bad` failed to start: exit 3\nmore',
    );
    assert.match(describeMcpServers([]), /No MCP servers are configured/);
  });

  it('tool results as text: text blocks, other blocks as JSON, structured content', () => {
    assert.equal(mcpResultText({ content: [{ type: 'text', text: '5' }], structuredContent: { sum: 5 } }), '5\n{\n  "sum": 5\n}');
    assert.equal(mcpResultText({ content: [{ type: 'image', data: 'x', mimeType: 'image/png' }] }), '{"type":"image","data":"x","mimeType":"image/png"}');
    assert.equal(mcpResultText(null), undefined);
  });

  it('elicitation forms: fields from the schema and content typed by it', () => {
    const fields = elicitationFields({
      type: 'object',
      properties: { name: { type: 'string', title: 'Name' }, age: { type: 'integer' }, ok: { type: 'boolean' }, color: { type: 'string', enum: ['red', 'blue'] } },
      required: ['name', 'age'],
    });
    assert.deepEqual(fields.map((f) => [f.name, f.type, f.required]), [['name', 'string', true], ['age', 'integer', true], ['ok', 'boolean', false], ['color', 'enum', false]]);
    assert.deepEqual(elicitationContent(fields, { name: 'Ada', age: '36', ok: true, color: 'blue' }), { name: 'Ada', age: 36, ok: true, color: 'blue' });
    assert.throws(() => elicitationContent(fields, { name: 'Ada', age: '3.5' }), /age must be a whole number/);
    assert.throws(() => elicitationContent(fields, { age: '3' }), /Name is required/);
  });
});
