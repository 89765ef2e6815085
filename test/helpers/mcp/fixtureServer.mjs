#!/usr/bin/env node
/**
 * A real MCP server built with @modelcontextprotocol/sdk, used as a fixture by
 * the MCP tests (both app-servers talk to the same one).
 *
 *   node fixtureServer.mjs            stdio transport
 *   node fixtureServer.mjs --http     Streamable HTTP on 127.0.0.1 (random port);
 *                                     prints `listening <url>` on stdout
 *
 * Environment knobs (for fault tests):
 *   MCP_FIXTURE_NAME            server name reported in initialize (default "fixture")
 *   MCP_FIXTURE_STARTUP_DELAY_MS   wait this long before answering anything (startup timeout)
 *   MCP_FIXTURE_FAIL_START=1    exit with status 3 before speaking MCP (failed start)
 *   MCP_FIXTURE_PID_FILE        append this process's pid to the file (leak checks)
 *   MCP_FIXTURE_REQUIRE_BEARER  (http) answer 401 unless `Authorization: Bearer <value>`
 *
 * Tools: echo, add (structured content), fail (isError), crash (exits mid-call),
 * sleep (waits `ms`), malformed (content the SDK server itself refuses), garbled (a result
 * that reaches the client malformed), ask (elicitation),
 * and one resource, fixture://readme.
 */
import fs from 'node:fs';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const env = process.env;
const name = env.MCP_FIXTURE_NAME || 'fixture';
if (env.MCP_FIXTURE_PID_FILE) fs.appendFileSync(env.MCP_FIXTURE_PID_FILE, `${process.pid}\n`);
if (env.MCP_FIXTURE_FAIL_START === '1') {
  process.stderr.write('fixture: refusing to start (MCP_FIXTURE_FAIL_START=1)\n');
  process.exit(3);
}
const startupDelay = Number(env.MCP_FIXTURE_STARTUP_DELAY_MS || 0);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function buildServer() {
  const server = new McpServer({ name, version: '1.0.0' }, { capabilities: { logging: {} } });

  server.registerTool(
    'echo',
    { title: 'Echo', description: 'Returns the given text.', inputSchema: { text: z.string().describe('Text to echo') } },
    async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }),
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers.',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
      annotations: { readOnlyHint: true },
    },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  server.registerTool('fail', { description: 'Always reports an error.', inputSchema: {} }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'the fixture tool failed on purpose' }],
  }));
  server.registerTool('crash', { description: 'Exits the server process in the middle of the call.', inputSchema: {} }, async () => {
    setTimeout(() => process.exit(7), 20);
    await sleep(10_000);
    return { content: [{ type: 'text', text: 'unreachable' }] };
  });
  server.registerTool('sleep', { description: 'Waits before answering.', inputSchema: { ms: z.number() } }, async ({ ms }) => {
    await sleep(ms);
    return { content: [{ type: 'text', text: `slept ${ms} ms` }] };
  });
  server.registerTool('malformed', { description: 'Returns content that is not valid MCP.', inputSchema: {} }, async () => ({
    content: [{ type: 'nonsense', value: 42 }],
  }));
  // Answers with a result whose `content` is not a list: the transport wrapper below garbles it on the wire.
  server.registerTool('garbled', { description: 'Answers with a result that is not valid MCP.', inputSchema: {} }, async () => ({
    content: [{ type: 'text', text: 'to be garbled' }],
    _meta: { fixtureGarble: true },
  }));
  server.registerTool('ask', { description: 'Asks the user for their name (elicitation).', inputSchema: {} }, async () => {
    const answer = await server.server.elicitInput({
      message: 'What is your name?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string', title: 'Name' } }, required: ['name'] },
    });
    const text = answer.action === 'accept' ? `hello ${answer.content?.name}` : `elicitation ${answer.action}`;
    return { content: [{ type: 'text', text }] };
  });

  server.registerResource(
    'readme',
    'fixture://readme',
    { title: 'Fixture readme', description: 'A small text resource.', mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `readme of ${name}` }] }),
  );
  return server;
}

if (process.argv.includes('--http')) {
  const bearer = env.MCP_FIXTURE_REQUIRE_BEARER;
  const sessions = new Map();
  const httpServer = http.createServer(async (req, res) => {
    if (bearer && req.headers.authorization !== `Bearer ${bearer}`) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('missing or wrong bearer token');
      return;
    }
    if (startupDelay) await sleep(startupDelay);
    // Stateful (one transport per MCP session), so server-to-client requests such as elicitation work.
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (typeof sessionId === 'string') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown session');
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => sessions.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await buildServer().connect(transport);
    }
    await transport.handleRequest(req, res);
  });
  httpServer.listen(0, '127.0.0.1', () => {
    const { port } = httpServer.address();
    process.stdout.write(`listening http://127.0.0.1:${port}/mcp\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
} else {
  if (startupDelay) await sleep(startupDelay);
  const server = buildServer();
  const transport = new StdioServerTransport();
  const send = transport.send.bind(transport);
  transport.send = (message) => send(message.result?._meta?.fixtureGarble ? { ...message, result: { content: 'not a list' } } : message);
  await server.connect(transport);
  // Exit with the client: the stdin pipe closing ends the server.
  process.stdin.on('end', () => process.exit(0));
}
