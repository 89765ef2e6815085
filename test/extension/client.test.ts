/**
 * The extension's JSON-RPC client and its JSONL transport, against our
 * `dist/server.js` and the reference `codex app-server` (driven by the
 * scripted model): handshake, requests, streamed notifications, server
 * requests, and restart with backoff after a crash.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CodexClient, ServerError, ServerUnavailableError } from '../../extension/client/codexClient';
import { JsonlMessageReader, JsonlMessageWriter } from '../../extension/client/jsonl';
import { ProcessTransport } from '../../extension/client/processTransport';
import { serverCommand } from '../../extension/client/serverLauncher';
import type { ServerTransport } from '../../extension/client/transport';
import { makeTempDir, OUR_SERVER } from '../helpers/appServerProcess';
import { referenceEnv, testHome } from '../helpers/tempDir';
import { REFERENCE_CODEX } from '../helpers/protocolSchema';
import { reply, ScriptedModel } from '../helpers/scriptedModel';

function waitUntil(predicate: () => boolean, timeoutMs = 20000, what = 'condition'): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('JSONL message reader/writer', () => {
  it('parses split and joined lines, adds the missing jsonrpc member and skips junk lines', async () => {
    const stream = new PassThrough();
    const reader = new JsonlMessageReader(stream);
    const messages: any[] = [];
    const errors: string[] = [];
    reader.onError((error) => errors.push(error.message));
    let closed = false;
    reader.onClose(() => (closed = true));
    reader.listen((message) => messages.push(message));
    stream.write('{"id":1,"res');
    stream.write('ult":{"ok":true}}\n{"method":"a","params":{"x":"é"}}\n');
    stream.write('not json at all\n\n');
    stream.write(Buffer.from('{"method":"b"}\n{"method":"tail"}'));
    stream.end();
    await waitUntil(() => closed, 2000, 'close');
    assert.deepEqual(messages, [
      { id: 1, result: { ok: true }, jsonrpc: '2.0' },
      { method: 'a', params: { x: 'é' }, jsonrpc: '2.0' },
      { method: 'b', jsonrpc: '2.0' },
      { method: 'tail', jsonrpc: '2.0' },
    ]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /not JSON/);
  });

  it('writes one line per message without the jsonrpc member, and refuses to write once closed', async () => {
    const stream = new PassThrough();
    const writer = new JsonlMessageWriter(stream);
    const chunks: string[] = [];
    stream.on('data', (chunk) => chunks.push(chunk.toString()));
    await writer.write({ jsonrpc: '2.0', id: 7, method: 'thread/start', params: { cwd: '/x' } } as any);
    assert.equal(chunks.join(''), '{"id":7,"method":"thread/start","params":{"cwd":"/x"}}\n');
    writer.markClosed();
    await assert.rejects(writer.write({ jsonrpc: '2.0', method: 'x' } as any), /not running/);
    assert.equal(chunks.length, 1, 'nothing written after close');
  });
});

describe('server launch command', () => {
  it('uses the bundled server by default and codex.serverPath when set', () => {
    const bundled = serverCommand('/ext', { serverPath: '', serverArgs: [], serverEnv: { CODEX_HOME: '/h' } }, '/usr/bin/node');
    assert.deepEqual(bundled, { command: '/usr/bin/node', args: [path.join('/ext', 'dist', 'server.js')], env: { ELECTRON_RUN_AS_NODE: '1', CODEX_HOME: '/h' } });
    const external = serverCommand('/ext', { serverPath: ' codex ', serverArgs: ['app-server'], serverEnv: {} });
    assert.deepEqual(external, { command: 'codex', args: ['app-server'], env: {} });
  });
});

type Which = 'ours' | 'reference';

function startClient(which: Which, codexHome: string, options: { backoffMs?: number; stderr?: string[]; transports?: ProcessTransport[] } = {}) {
  const log: string[] = [];
  const client = new CodexClient({
    clientInfo: { name: 'codex_vscode_tests', title: 'Tests', version: '0.0.1' },
    log: (line) => log.push(line),
    backoff: { initialMs: options.backoffMs ?? 100, maxMs: 2000 },
    transportFactory: async (): Promise<ServerTransport> => {
      const [command, args] = which === 'ours' ? [process.execPath, [OUR_SERVER]] : [REFERENCE_CODEX, ['app-server']];
      const transport = ProcessTransport.start({
        command,
        args,
        cwd: codexHome,
        env: { HOME: testHome(), CODEX_HOME: codexHome, MOCK_KEY: 'mock-key', RUST_LOG: 'warn', ...(which === 'reference' ? referenceEnv(codexHome) : {}) },
        onStderrLine: (line) => options.stderr?.push(line),
      });
      options.transports?.push(transport);
      return transport;
    },
  });
  return { client, log };
}

for (const which of ['ours', 'reference'] as Which[]) {
  describe(`CodexClient against ${which === 'ours' ? 'our dist/server.js' : 'the reference codex app-server'}`, function () {
    this.timeout(60000);
    let model: ScriptedModel;
    let codexHome: string;
    let client: CodexClient | undefined;

    beforeEach(async () => {
      model = await new ScriptedModel().start();
      codexHome = makeTempDir('codex-client-');
      model.writeConfig(codexHome);
    });
    afterEach(async () => {
      await client?.dispose();
      client = undefined;
      await model.stop();
    });

    it('completes the handshake and reports server errors as ServerError', async () => {
      const states: string[] = [];
      const stderr: string[] = [];
      ({ client } = startClient(which, codexHome, { stderr }));
      client.onDidChangeState((state) => states.push(state));
      let connected: any;
      client.onDidConnect((event) => (connected = event));
      await client.start();
      assert.equal(client.state, 'connected');
      assert.deepEqual(states, ['starting', 'connected']);
      assert.equal(connected.reconnected, false);
      assert.ok(connected.initializeResult, 'initialize returned a result');
      // @ts-expect-error A method outside the contract fails tsc; at run time the server answers "method not found".
      await assert.rejects(client.request('no/such/method', {}), (error: unknown) => error instanceof ServerError && error.code < 0 && /no\/such\/method/.test(error.message));
      if (which === 'ours') {
        // Our server logs its start on stderr: it reaches the log sink line by line.
        await waitUntil(() => stderr.some((line) => /listening on stdio/.test(line)), 5000, 'the stderr line');
        assert.ok(stderr.every((line) => !line.includes('\n')));
      }
    });

    it('restarts a crashed server with backoff, fails fast meanwhile, and reconnects', async () => {
      const transports: ProcessTransport[] = [];
      ({ client } = startClient(which, codexHome, { backoffMs: 300, transports }));
      const disconnects: any[] = [];
      const connects: any[] = [];
      client.onDidDisconnect((event) => disconnects.push(event));
      client.onDidConnect((event) => connects.push(event));
      await client.start();
      process.kill(transports[0].pid!, 'SIGKILL');
      await waitUntil(() => client!.state === 'disconnected', 10000, 'disconnected');
      assert.equal(disconnects[0].expected, false);
      assert.equal(disconnects[0].restartInMs, 300);
      assert.match(disconnects[0].reason, /SIGKILL/);
      // No write to the dead stdin: the request fails at once with a plain message.
      await assert.rejects(client.request('model/list', {}), (error: unknown) => error instanceof ServerUnavailableError && /SIGKILL/.test((error as Error).message));
      await waitUntil(() => client!.state === 'connected', 30000, 'reconnected');
      assert.equal(connects.length, 2);
      assert.equal(connects[1].reconnected, true);
      assert.equal(transports.length, 2);
      // A second crash in a row waits twice as long.
      process.kill(transports[1].pid!, 'SIGKILL');
      await waitUntil(() => disconnects.length === 2, 10000, 'second disconnect');
      assert.equal(disconnects[1].restartInMs, 600);
      await waitUntil(() => client!.state === 'connected', 30000, 'reconnected again');
    });

    it('an explicit restart is not reported as a crash', async () => {
      ({ client } = startClient(which, codexHome));
      const disconnects: any[] = [];
      client.onDidDisconnect((event) => disconnects.push(event));
      await client.start();
      await client.restart();
      assert.equal(client.state, 'connected');
      assert.equal(disconnects.length, 1);
      assert.equal(disconnects[0].expected, true);
      assert.equal(disconnects[0].restartInMs, undefined);
    });
  });
}

describe('CodexClient streaming a turn from the reference codex app-server', function () {
  this.timeout(90000);
  let model: ScriptedModel;
  let client: CodexClient | undefined;
  beforeEach(async () => {
    model = await new ScriptedModel().start();
  });
  afterEach(async () => {
    await client?.dispose();
    await model.stop();
  });

  it('routes notifications and answers an approval server request', async () => {
    const codexHome = makeTempDir('codex-client-turn-');
    model.writeConfig(codexHome);
    model.enqueue(
      reply.call('exec_command', { cmd: 'echo approved-run > approved.txt && cat approved.txt', yield_time_ms: 2000 }),
      reply.text('Done: the command ran.'),
    );
    const stderr: string[] = [];
    ({ client } = startClient('reference', codexHome, { stderr }));
    const methods: string[] = [];
    const deltas: string[] = [];
    client.onAnyNotification((...[method]) => void methods.push(method));
    client.onNotification('item/agentMessage/delta', (params) => deltas.push(params.delta));
    const approvals: any[] = [];
    client.onServerRequest('item/commandExecution/requestApproval', async (params) => {
      approvals.push(params);
      return { decision: 'accept' };
    });
    await client.start();
    const { thread } = await client.request('thread/start', { cwd: codexHome, approvalPolicy: 'untrusted', sandbox: 'danger-full-access' });
    const completed = new Promise<any>((resolve) => client!.onNotification('turn/completed', resolve));
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'run it', text_elements: [] }] });
    const done = await completed;
    assert.equal(done.turn.status, 'completed');
    assert.equal(approvals.length, 1, 'one approval was asked');
    assert.match(String(approvals[0].command), /echo approved-run/);
    assert.equal(deltas.join(''), 'Done: the command ran.');
    assert.ok(methods.includes('item/commandExecution/outputDelta') || methods.includes('item/completed'));
    assert.equal(fs.readFileSync(path.join(codexHome, 'approved.txt'), 'utf8').trim(), 'approved-run', 'the approved command really ran');
  });
});
