/**
 * Transport and handshake of our server: NDJSON JSON-RPC on stdio, the
 * initialize handshake, JSON-RPC error codes for bad input (with the field
 * named), and a server that keeps serving afterwards. stdout carries protocol
 * only: every line is a JSON-RPC message that validates against the schema.
 */
import assert from 'node:assert/strict';
import { AppServerProcess, makeTempDir, RpcResponseError } from '../helpers/appServerProcess';

/** Sends a raw line and resolves with the next stdout message answering `id` (or with id null). */
async function rawExchange(server: AppServerProcess, line: string, matches: (msg: any) => boolean): Promise<any> {
  const before = server.rawLines.length;
  server.sendRaw(line);
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    for (const raw of server.rawLines.slice(before)) {
      const msg = JSON.parse(raw);
      if (matches(msg)) return msg;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no answer to ${line} within 20 s`);
}

describe('handshake and transport (ours)', function () {
  this.timeout(60000);
  let server: AppServerProcess;
  let codexHome: string;

  beforeEach(() => {
    codexHome = makeTempDir('handshake-');
  });
  afterEach(async () => {
    await server?.stop();
  });

  it('initialize returns userAgent, codexHome and platform; the client then sends initialized', async () => {
    server = AppServerProcess.spawn('ours', { codexHome });
    const result = await server.initialize({ experimentalApi: true });
    assert.match(result.userAgent, /codex-vscode-tests; 0\.0\.1/);
    assert.equal(result.codexHome, codexHome);
    assert.equal(result.platformFamily, 'unix');
    assert.equal(result.platformOs, 'linux');
    const { thread } = await server.request('thread/start', { cwd: codexHome });
    assert.ok(thread.id);
    assert.deepEqual(server.violations, []);
  });

  it('refuses requests before initialize and a second initialize', async () => {
    server = AppServerProcess.spawn('ours', { codexHome });
    await assert.rejects(server.request('thread/list', {}), (e: RpcResponseError) => e.code === -32600 && /Not initialized/.test(e.message));
    await server.initialize();
    await assert.rejects(server.initialize(), (e: RpcResponseError) => e.code === -32600 && /Already initialized/.test(e.message));
    const list = await server.request('thread/list', {});
    assert.deepEqual(list.data, []);
  });

  it('answers bad input with -32700, -32600, -32601 and -32602 naming the field, and keeps serving', async () => {
    server = await AppServerProcess.start('ours', { codexHome });
    const parse = await rawExchange(server, '{"id": 1, "method": ', (m) => m.error && m.id === null);
    assert.equal(parse.error.code, -32700);

    const notObject = await rawExchange(server, '[1,2,3]', (m) => m.error?.code === -32600 && m.id === null);
    assert.match(notObject.error.message, /JSON object/);
    const noMethod = await rawExchange(server, '{"id": 77}', (m) => m.id === 77);
    assert.equal(noMethod.error.code, -32600);
    const badId = await rawExchange(server, '{"id": {"x":1}, "method": "thread/list"}', (m) => m.error && m.id === null && /id/.test(m.error.message));
    assert.equal(badId.error.code, -32600);

    await assert.rejects(server.request('thread/frobnicate', {}), (e: RpcResponseError) => e.code === -32601 && /thread\/frobnicate/.test(e.message));
    await assert.rejects(server.request('thread/list', { limit: 'ten' }), (e: RpcResponseError) => e.code === -32602 && /limit/.test(e.message));
    await assert.rejects(server.request('thread/read', { threadId: 5 }), (e: RpcResponseError) => e.code === -32602 && /threadId/.test(e.message));
    await assert.rejects(
      server.request('thread/start', { approvalPolicy: 'sometimes', sandbox: 1 }),
      (e: RpcResponseError) => e.code === -32602 && /approvalPolicy/.test(e.message) && /sandbox/.test(e.message),
    );

    // Still serving, and the session still works normally.
    const { thread } = await server.request('thread/start', { cwd: codexHome });
    assert.ok(thread.id);
    assert.deepEqual(server.violations, []);
  });

  it('accepts the jsonrpc member and string ids, and omits jsonrpc on output', async () => {
    server = await AppServerProcess.start('ours', { codexHome });
    const answer = await rawExchange(server, '{"jsonrpc":"2.0","id":"abc","method":"thread/loaded/list","params":{}}', (m) => m.id === 'abc');
    assert.deepEqual(answer.result, { data: [], nextCursor: null });
    assert.equal('jsonrpc' in answer, false);
  });

  it('writes only protocol to stdout, logs to stderr, and honours notification opt-outs', async () => {
    server = await AppServerProcess.start('ours', { codexHome, optOut: ['thread/started'], env: { CODEX_LOG: 'debug' } });
    const { thread } = await server.request('thread/start', { cwd: codexHome });
    await server.request('thread/name/set', { threadId: thread.id, name: 'x' });
    await server.waitFor('thread/name/updated');
    assert.deepEqual(server.methods(), ['thread/name/updated'], 'thread/started was opted out');
    server.sendRaw('not json at all');
    await server.request('thread/list', {});
    for (const line of server.rawLines) {
      const msg = JSON.parse(line);
      assert.ok('id' in msg || 'method' in msg, `stdout line is a JSON-RPC message: ${line}`);
    }
    assert.ok(server.stderrLines.length > 0, 'logs went to stderr');
    assert.deepEqual(server.violations, []);
  });
});
