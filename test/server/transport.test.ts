import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { OUR_SERVER, makeTempDir, RpcResponseError } from '../helpers/appServerProcess';
import { defaultControlSocketPath, isLoopbackHost, parseListenUrl } from '../../server/transport/listenUrl';
import { ListeningServer, openWebSocket, WsRpcClient } from '../helpers/listeningServer';

function httpGet(url: string, options: { method?: string; headers?: Record<string, string>; socketPath?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const common = { method: options.method ?? 'GET', headers: options.headers };
    const request = options.socketPath ? http.request({ ...common, socketPath: options.socketPath, path: url }) : http.request(url, common);
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('listen URL parsing', () => {
  it('accepts the reference forms and rejects the rest with the reference message', () => {
    const home = '/home/u/.codex';
    assert.deepEqual(parseListenUrl('stdio://', home), { kind: 'stdio' });
    assert.deepEqual(parseListenUrl('off', home), { kind: 'off' });
    assert.deepEqual(parseListenUrl('ws://127.0.0.1:4500', home), { kind: 'ws', host: '127.0.0.1', port: 4500 });
    assert.deepEqual(parseListenUrl('ws://[::1]:0', home), { kind: 'ws', host: '::1', port: 0 });
    assert.deepEqual(parseListenUrl('unix://', home), { kind: 'unix', socketPath: defaultControlSocketPath(home) });
    assert.equal(defaultControlSocketPath(home), '/home/u/.codex/app-server-control/app-server-control.sock');
    assert.deepEqual(parseListenUrl('unix:///run/codex.sock', home), { kind: 'unix', socketPath: '/run/codex.sock' });
    for (const bad of ['tcp://1', 'ws://localhost:80', 'ws://127.0.0.1', 'ws://127.0.0.1:99999', 'wss://127.0.0.1:1']) {
      assert.throws(() => parseListenUrl(bad, home), /unsupported --listen URL .* expected `stdio:\/\/`, `unix:\/\/`/, bad);
    }
  });

  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['0.0.0.0', '10.0.0.1', '::', '192.168.1.2', 'example.com']) assert.ok(!isLoopbackHost(host), host);
  });
});

describe('websocket transport', function () {
  this.timeout(60000);
  let server: ListeningServer;
  before(async () => {
    server = await ListeningServer.start('ws://127.0.0.1:0');
  });
  after(async () => server?.stop());

  it('prints where it listens and answers the health probes', async () => {
    assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    for (const probe of ['/readyz', '/healthz']) {
      const response = await httpGet(server.httpBase + probe);
      assert.equal(response.status, 200, probe);
      assert.equal(response.body, '');
    }
    const post = await httpGet(server.httpBase + '/readyz', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET,HEAD');
    const plain = await httpGet(server.httpBase + '/');
    assert.equal(plain.status, 400);
    assert.equal(plain.body, "Connection header did not include 'upgrade'");
  });

  it('refuses any request carrying an Origin header with 403, probes and upgrades alike', async () => {
    const probe = await httpGet(server.httpBase + '/healthz', { headers: { origin: 'https://evil.example' } });
    assert.equal(probe.status, 403);
    const upgrade = await openWebSocket(server.url, { headers: { origin: 'http://127.0.0.1' } });
    assert.ok(!(upgrade instanceof WebSocket), 'a browser-originated upgrade was accepted');
    assert.equal(upgrade.status, 403);
  });

  it('carries one JSON-RPC message per text frame, answers bad JSON with a parse error', async () => {
    const client = await WsRpcClient.connect(server.url);
    try {
      await assert.rejects(client.request('no/such/method', {}), (error: RpcResponseError) => error.code === -32601);
      const raw = new Promise<any>((resolve) => client.ws.once('message', (data) => resolve(JSON.parse(String(data)))));
      client.ws.send('{"id": 1, "method": ');
      const parseError = await raw;
      assert.equal(parseError.error.code, -32700);
      const result = await client.initialize();
      assert.equal(result.platformFamily, 'unix');
      assert.deepEqual(client.violations, []);
    } finally {
      await client.close();
    }
  });

  it('serves several clients at once, each with its own session', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => WsRpcClient.connect(server.url)));
    try {
      const results = await Promise.all(clients.map((client, i) => client.initialize(`client-${i}`)));
      results.forEach((result, i) => assert.match(result.userAgent, new RegExp(`client-${i}; 0\\.0\\.1`)));
      // Each session is separate: a second initialize is refused on that one only.
      await assert.rejects(clients[0].request('initialize', { clientInfo: { name: 'again', version: '1' }, capabilities: null }), /Already initialized/);
      await clients[0].close();
      const late = await WsRpcClient.connect(server.url);
      clients[0] = late;
      assert.match((await late.initialize('late')).userAgent, /late; 0\.0\.1/);
      for (const client of clients) assert.deepEqual(client.violations, []);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('refuses requests beyond the per-client bound with -32001 and keeps serving', async () => {
    const client = await WsRpcClient.connect(server.url);
    try {
      await client.initialize();
      const burst = 600;
      const responses = new Map<number, any>();
      const done = new Promise<void>((resolve) =>
        client.ws.on('message', (data) => {
          const msg = JSON.parse(String(data));
          if (typeof msg.id === 'number' && msg.id >= 1000) responses.set(msg.id, msg);
          if (responses.size === burst) resolve();
        }),
      );
      // One write: the server sees the whole burst before any handler can finish.
      const socket = (client.ws as unknown as { _socket: net.Socket })._socket;
      socket.cork();
      for (let i = 0; i < burst; i++) {
        client.ws.send(JSON.stringify({ id: 1000 + i, method: 'initialize', params: { clientInfo: { name: 'x', version: '1' }, capabilities: null } }));
      }
      process.nextTick(() => socket.uncork());
      await done;
      const overloaded = [...responses.values()].filter((r) => r.error?.code === -32001);
      const handled = [...responses.values()].filter((r) => r.error?.code === -32600);
      assert.ok(overloaded.length > 0, 'no request was refused as overloaded');
      assert.ok(handled.length >= 128, `only ${handled.length} requests were handled`);
      assert.equal(overloaded.length + handled.length, burst);
      assert.equal(overloaded[0].error.message, 'Server overloaded; retry later.');
      // Once the burst drained, the same client is served normally again.
      await assert.rejects(client.request('initialize', { clientInfo: { name: 'y', version: '1' }, capabilities: null }), /Already initialized/);
    } finally {
      await client.close();
    }
  });

  it('drops a client that sends binary frames, leaving the others alone', async () => {
    const bad = await WsRpcClient.connect(server.url);
    const good = await WsRpcClient.connect(server.url);
    await good.initialize();
    const closed = new Promise<number>((resolve) => bad.ws.once('close', (code) => resolve(code)));
    bad.ws.send(Buffer.from('{"id":1,"method":"initialize"}'), { binary: true });
    assert.equal(await closed, 1003);
    await assert.rejects(good.request('initialize', { clientInfo: { name: 'z', version: '1' }, capabilities: null }), /Already initialized/);
    await good.close();
  });
});

describe('unix socket transport', function () {
  this.timeout(60000);

  it('listens on the default control socket under CODEX_HOME with owner-only permissions', async () => {
    const home = makeTempDir('codex-unix-');
    const server = await ListeningServer.start('unix://', [], { codexHome: home });
    try {
      const socketPath = defaultControlSocketPath(home);
      assert.equal(server.url, `unix://${socketPath}`);
      const stat = fs.statSync(socketPath);
      assert.ok(stat.isSocket());
      assert.equal(stat.mode & 0o777, 0o600);
      const ready = await httpGet('/readyz', { socketPath });
      assert.equal(ready.status, 200);
      const refused = await httpGet('/healthz', { socketPath, headers: { origin: 'http://x' } });
      assert.equal(refused.status, 403);
      const client = await WsRpcClient.connect('', { socketPath });
      const result = await client.initialize();
      assert.equal(result.codexHome, home);
      assert.deepEqual(client.violations, []);
      await client.close();
    } finally {
      await server.stop();
    }
    assert.ok(!fs.existsSync(defaultControlSocketPath(home)), 'the socket file was left behind');
  });

  it('listens on a given path, replaces a stale socket, and refuses to take over a live one', async () => {
    const dir = makeTempDir('codex-unix-path-');
    const socketPath = path.join(dir, 'nested', 'server.sock');
    // A stale socket: bound by a process that was killed, so nobody unlinked it.
    fs.mkdirSync(path.dirname(socketPath));
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`]);
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    assert.ok(fs.existsSync(socketPath));

    const server = await ListeningServer.start(`unix://${socketPath}`, [], { codexHome: dir });
    try {
      const client = await WsRpcClient.connect('', { socketPath });
      await client.initialize();
      await client.close();
      const second = spawnSync(process.execPath, [OUR_SERVER, '--listen', `unix://${socketPath}`], {
        env: { ...process.env, CODEX_HOME: dir },
        encoding: 'utf8',
        timeout: 30000,
      });
      assert.equal(second.status, 1);
      assert.match(second.stderr, /another app-server is already listening/);
    } finally {
      await server.stop();
    }
  });
});

describe('listener startup', function () {
  // Each test starts servers; a loaded 2-core machine makes that slow.
  this.timeout(60000);
  const run = (args: string[]) => {
    const home = makeTempDir('codex-listen-');
    return spawnSync(process.execPath, [OUR_SERVER, ...args], { env: { ...process.env, CODEX_HOME: home }, encoding: 'utf8', timeout: 30000 });
  };

  it('rejects an unsupported --listen URL', () => {
    const result = run(['--listen', 'tcp://1']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unsupported --listen URL `tcp:\/\/1`/);
  });

  it('--listen off exposes nothing and says so', () => {
    const result = run(['--listen', 'off']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no transport configured/);
  });

  it('warns when a non-loopback listener has no auth, and not when it has', async () => {
    const open = await ListeningServer.start('ws://0.0.0.0:0');
    try {
      await open.waitForStderr(/WARNING: websocket listener on non-loopback address 0\.0\.0\.0 has no authentication/);
    } finally {
      await open.stop();
    }
    const home = makeTempDir('codex-listen-auth-');
    fs.writeFileSync(path.join(home, 'token'), 'some-token');
    const guarded = await ListeningServer.start('ws://0.0.0.0:0', ['--ws-auth', 'capability-token', '--ws-token-file', path.join(home, 'token')], {
      codexHome: home,
    });
    try {
      assert.ok(!guarded.stderrLines.some((l) => l.includes('has no authentication')));
    } finally {
      await guarded.stop();
    }
  });
});
