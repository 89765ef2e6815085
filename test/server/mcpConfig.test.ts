/** `[mcp_servers.<name>]` entries as the server reads them (server/mcp/config.ts). */
import assert from 'node:assert/strict';
import { mcpEntryProblem, mcpServersFromConfig, toolAllowed } from '../../server/mcp/config';

describe('MCP server config', () => {
  it('reads stdio and HTTP entries with their defaults, and names the problem of a mixed one', () => {
    const servers = mcpServersFromConfig({
      mcp_servers: {
        b: { url: 'http://127.0.0.1:1/mcp', bearer_token_env_var: 'T', http_headers: { X: '1' }, tool_timeout_sec: 2.5, enabled_tools: ['echo'] },
        a: { command: 'node', args: ['s.js'], env: { K: 'v' }, env_vars: ['PATH'], cwd: '/tmp', required: true, disabled_tools: ['crash'], enabled: false },
        mixed: { command: 'node', url: 'http://x' },
      },
    });
    assert.deepEqual(servers.map((s) => s.name), ['a', 'b']);
    assert.deepEqual(servers[0].transport, { type: 'stdio', command: 'node', args: ['s.js'], env: { K: 'v' }, envVars: ['PATH'], cwd: '/tmp' });
    assert.equal(servers[0].enabled, false);
    assert.equal(servers[0].required, true);
    assert.equal(servers[0].startupTimeoutMs, 10_000);
    assert.equal(servers[1].toolTimeoutMs, 2500);
    assert.equal(toolAllowed(servers[1], 'echo'), true);
    assert.equal(toolAllowed(servers[1], 'add'), false);
    assert.equal(toolAllowed(servers[0], 'crash'), false);
    assert.match(mcpEntryProblem('mixed', { command: 'node', url: 'http://x' })!, /mixes stdio fields \(command\) with Streamable HTTP fields \(url\)/);
    assert.match(mcpEntryProblem('none', {})!, /needs either `command`/);
    assert.match(mcpEntryProblem('ftp', { url: 'ftp://x' })!, /http\(s\) URL/);
  });
});
