/**
 * The extension's remote connection: URL/token policy (pure), and the
 * WebSocket transport driving the real client against our real server
 * listening on ws:// with a capability token, including reconnection.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../helpers/appServerProcess';
import { ListeningServer } from '../helpers/listeningServer';
import { isLoopbackHostname, mayCarryToken, parseRemoteUrl, tokenSecretKey } from '../../extension/remote/remotePolicy';
import { WebSocketTransport, webSocketTransportFactory } from '../../extension/remote/webSocketTransport';
import { CodexClient } from '../../extension/client/codexClient';

const url = (text: string) => {
  const checked = parseRemoteUrl(text);
  if (!checked.ok) throw new Error(checked.error);
  return checked.url;
};

describe('remote policy', () => {
  it('accepts ws:// and wss:// URLs and explains what is wrong with others', () => {
    assert.equal(url(' wss://codex.example.com:4500 ').host, 'codex.example.com:4500');
    assert.equal(url('ws://127.0.0.1:4500').port, '4500');
    const bad = (text: string, pattern: RegExp) => {
      const checked = parseRemoteUrl(text);
      assert.ok(!checked.ok, text);
      assert.match(checked.error, pattern);
    };
    bad('http://host:1', /uses http:\/\/; .* ws:\/\/ or wss:\/\//);
    bad('not a url', /is not a URL/);
    bad('ws://user:pw@host:1', /embeds credentials/);
  });

  it('sends tokens only over wss, or over ws to a loopback host', () => {
    assert.ok(mayCarryToken(url('wss://codex.example.com')));
    assert.ok(mayCarryToken(url('wss://10.0.0.5:4500')));
    assert.ok(mayCarryToken(url('ws://127.0.0.1:4500')));
    assert.ok(mayCarryToken(url('ws://localhost:4500')));
    assert.ok(mayCarryToken(url('ws://[::1]:4500')));
    assert.ok(!mayCarryToken(url('ws://codex.example.com:4500')));
    assert.ok(!mayCarryToken(url('ws://10.0.0.5:4500')));
    assert.ok(!mayCarryToken(url('ws://127.0.0.1.evil.com:4500')));
    assert.ok(!isLoopbackHostname('0.0.0.0'));
  });

  it('keeps one token per server origin', () => {
    assert.equal(tokenSecretKey(url('wss://a.example:1/path')), 'codex.remoteToken:wss://a.example:1');
    assert.notEqual(tokenSecretKey(url('wss://a.example:1')), tokenSecretKey(url('ws://a.example:1')));
  });
});

describe('WebSocket transport to a remote app-server', function () {
  this.timeout(40000);
  const token = 'remote-test-token-0123456789';
  let home: string;
  let server: ListeningServer | undefined;

  const startServer = async (port = 0) => {
    server = await ListeningServer.start(`ws://127.0.0.1:${port}`, ['--ws-auth', 'capability-token', '--ws-token-file', path.join(home, 'token')], {
      codexHome: home,
    });
    return server;
  };

  beforeEach(() => {
    home = makeTempDir('codex-remote-');
    fs.writeFileSync(path.join(home, 'token'), token);
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('refuses to put a token on an unencrypted connection to another machine, before connecting', async () => {
    // The policy message (not "cannot reach") shows no connection was attempted; a token-less connection is tried.
    await assert.rejects(WebSocketTransport.connect('ws://10.255.255.1:4500', { token }), /Not sending the remote server token over unencrypted ws:\/\/ to 10\.255\.255\.1/);
    await assert.rejects(WebSocketTransport.connect('ws://127.0.0.1:1', { token }), /cannot reach/);
  });

  it('explains a refused handshake', async () => {
    const { url: serverUrl } = await startServer();
    await assert.rejects(WebSocketTransport.connect(serverUrl), /HTTP 401 missing websocket bearer token\. The server requires a token/);
    await assert.rejects(WebSocketTransport.connect(serverUrl, { token: 'wrong' }), /HTTP 401 invalid websocket bearer token\. Check the token/);
    await assert.rejects(WebSocketTransport.connect('ws://127.0.0.1:1'), /cannot reach remote app-server ws:\/\/127\.0\.0\.1:1/);
  });

  it('tells the user a refused remote "could not be reached" (not "could not start"), in one sentence', async () => {
    const { url: serverUrl } = await startServer();
    const client = new CodexClient({
      transportFactory: webSocketTransportFactory(serverUrl, async () => undefined),
      clientInfo: { name: 'codex-vscode-remote-test', title: 'Remote test', version: '0.0.1' },
      log: () => undefined,
      backoff: { initialMs: 60_000, maxMs: 60_000, resetAfterMs: 60_000 },
    });
    try {
      await assert.rejects(client.start(), (error: Error) => {
        assert.match(error.message, /^The Codex server could not be reached: remote app-server ws:\/\/127\.0\.0\.1:\d+ refused the connection: HTTP 401 .*"Codex: Set Remote Server Token"\.$/);
        return true;
      });
      assert.match(String(client.lastExit), /^could not be reached: .*Set Remote Server Token"$/, 'the reason leaves the full stop to the sentence it goes in');
    } finally {
      await client.dispose();
    }
  });

  it('drives the client over the socket, and reconnects with backoff when the server comes back', async () => {
    const first = await startServer();
    const port = Number(new URL(first.url).port);
    const logs: string[] = [];
    let tokenReads = 0;
    const client = new CodexClient({
      transportFactory: webSocketTransportFactory(first.url, async () => {
        tokenReads++;
        return token;
      }),
      clientInfo: { name: 'codex-vscode-remote-test', title: 'Remote test', version: '0.0.1' },
      log: (line) => logs.push(line),
      backoff: { initialMs: 100, maxMs: 400, resetAfterMs: 60_000 },
    });
    try {
      const connected = new Promise<any>((resolve) => client.onDidConnect(resolve));
      await client.start();
      const firstConnect = await connected;
      assert.equal(firstConnect.reconnected, false);
      assert.equal(firstConnect.initializeResult.codexHome, home);
      assert.equal(client.state, 'connected');
      assert.match(client.transportDescription ?? '', /^remote app-server ws:\/\/127\.0\.0\.1:\d+$/);

      // The server goes away: the client notices and schedules a reconnect.
      const disconnected = new Promise<any>((resolve) => client.onDidDisconnect(resolve));
      await first.stop();
      const gone = await disconnected;
      assert.equal(gone.expected, false);
      assert.ok(gone.restartInMs >= 100);
      // While it is down, attempts fail (connection refused) and back off further.
      const refusedLogged = () => logs.some((line) => /cannot reach remote app-server/.test(line));
      for (const deadline = Date.now() + 20000; !refusedLogged() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(refusedLogged(), logs.join('\n'));

      // Back on the same port: the next attempt reconnects, with the token read afresh.
      const reconnected = new Promise<any>((resolve) => client.onDidConnect(resolve));
      await startServer(port);
      const again = await reconnected;
      assert.equal(again.reconnected, true);
      assert.ok(tokenReads >= 3, `token read ${tokenReads} times`);
      const result = await client.request('initialize', { clientInfo: { name: 'x', version: '1' }, capabilities: null }).catch((e: Error) => e);
      assert.match(String((result as Error).message), /Already initialized/);
    } finally {
      await client.dispose();
    }
  });
});
