import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { OUR_SERVER, makeTempDir } from '../helpers/appServerProcess';
import { authorizeHandshake, authPolicyFromFlags, AuthConfigError } from '../../server/auth/wsAuth';
import { ListeningServer, openWebSocket, WsRpcClient } from '../helpers/listeningServer';

const SECRET = 'a-shared-secret-that-is-long-enough-0123456789';
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>, alg = 'HS256', secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectRefused(url: string, token: string | undefined, message: string): Promise<void> {
  const result = await openWebSocket(url, { token });
  if (result instanceof WebSocket) {
    result.terminate();
    assert.fail(`handshake with ${token === undefined ? 'no token' : 'a bad token'} was accepted`);
  }
  assert.equal(result.status, 401);
  assert.equal(result.body, message);
}

async function expectAccepted(url: string, token: string): Promise<void> {
  const client = await WsRpcClient.connect(url, { token });
  try {
    const result = await client.initialize();
    assert.equal(typeof result.codexHome, 'string');
    assert.deepEqual(client.violations, []);
  } finally {
    await client.close();
  }
}

describe('websocket auth: capability token', function () {
  this.timeout(60000);
  let server: ListeningServer;
  const token = 'capability-' + crypto.randomBytes(16).toString('hex');

  afterEach(async () => server?.stop());

  it('accepts the token from --ws-token-file (surrounding whitespace ignored) and refuses a missing or wrong one', async () => {
    const home = makeTempDir('codex-auth-');
    const tokenFile = path.join(home, 'token');
    fs.writeFileSync(tokenFile, token + '\n');
    server = await ListeningServer.start('ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', tokenFile], { codexHome: home });
    await expectAccepted(server.url, token);
    await expectRefused(server.url, undefined, 'missing websocket bearer token');
    await expectRefused(server.url, token + 'x', 'invalid websocket bearer token');
    await expectRefused(server.url, token.slice(0, -1), 'invalid websocket bearer token');
    // Each refusal happened at the handshake and is logged by the server.
    const deadline = Date.now() + 20000;
    const refusals = () => server.stderrLines.filter((l) => l.includes('refused websocket client')).length;
    while (refusals() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(refusals(), 3);
  });

  it('accepts a token given only as --ws-token-sha256', async () => {
    const digest = crypto.createHash('sha256').update(token).digest('hex');
    server = await ListeningServer.start('ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-sha256', digest]);
    await expectAccepted(server.url, token);
    await expectRefused(server.url, digest, 'invalid websocket bearer token');
  });
});

describe('websocket auth: signed bearer token (HS256 JWT)', function () {
  this.timeout(60000);
  let server: ListeningServer;
  let home: string;

  before(async () => {
    home = makeTempDir('codex-jwt-');
    fs.writeFileSync(path.join(home, 'secret'), SECRET + '\n');
    server = await ListeningServer.start(
      'ws://127.0.0.1:0',
      [
        '--ws-auth', 'signed-bearer-token',
        '--ws-shared-secret-file', path.join(home, 'secret'),
        '--ws-issuer', 'https://issuer.test',
        '--ws-audience', 'codex-app-server',
        // A wide skew, so that a slow handshake on a loaded machine stays inside it (the expired cases are far outside).
        '--ws-max-clock-skew-seconds', '30',
      ],
      { codexHome: home },
    );
  });
  after(async () => server?.stop());

  const valid = { iss: 'https://issuer.test', aud: 'codex-app-server' };

  it('accepts a valid token', async () => {
    await expectAccepted(server.url, await sign({ ...valid, exp: now() + 60 }));
  });

  it('accepts a token that expired within the allowed clock skew', async () => {
    await expectAccepted(server.url, await sign({ ...valid, exp: now() - 5 }));
  });

  it('refuses a missing token', async () => {
    await expectRefused(server.url, undefined, 'missing websocket bearer token');
  });

  it('refuses a token without exp', async () => {
    await expectRefused(server.url, await sign(valid), 'invalid websocket jwt');
  });

  it('refuses an expired token', async () => {
    await expectRefused(server.url, await sign({ ...valid, exp: now() - 60 }), 'expired websocket jwt');
  });

  it('refuses a token whose nbf is in the future', async () => {
    await expectRefused(server.url, await sign({ ...valid, exp: now() + 600, nbf: now() + 300 }), 'websocket jwt is not valid yet');
  });

  it('refuses a wrong audience', async () => {
    await expectRefused(server.url, await sign({ ...valid, aud: 'someone-else', exp: now() + 60 }), 'websocket jwt audience mismatch');
  });

  it('refuses a wrong issuer', async () => {
    await expectRefused(server.url, await sign({ ...valid, iss: 'https://evil.test', exp: now() + 60 }), 'websocket jwt issuer mismatch');
  });

  it('refuses alg none', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...valid, exp: now() + 60 })}.`;
    await expectRefused(server.url, unsigned, 'invalid websocket jwt');
  });

  it('refuses other algorithms, even HMAC ones with the right key', async () => {
    await expectRefused(server.url, await sign({ ...valid, exp: now() + 60 }, 'HS512'), 'invalid websocket jwt');
  });

  it('refuses a token signed with another secret', async () => {
    await expectRefused(server.url, await sign({ ...valid, exp: now() + 60 }, 'HS256', SECRET + '-other'), 'invalid websocket jwt');
  });

  it('refuses garbage', async () => {
    await expectRefused(server.url, 'not-a-jwt', 'invalid websocket jwt');
  });
});

describe('websocket auth: startup validation', function () {
  // Several server starts per test, each one slow on a loaded machine.
  this.timeout(90000);
  const run = (args: string[]) => {
    const home = makeTempDir('codex-auth-cfg-');
    const result = spawnSync(process.execPath, [OUR_SERVER, '--listen', 'ws://127.0.0.1:0', ...args], {
      cwd: home,
      env: { ...process.env, CODEX_HOME: home },
      encoding: 'utf8',
      timeout: 30000,
    });
    return { status: result.status, stderr: result.stderr };
  };

  it('refuses to start with a shared secret shorter than 32 bytes', () => {
    const home = makeTempDir('codex-short-');
    fs.writeFileSync(path.join(home, 'secret'), 'x'.repeat(31));
    const { status, stderr } = run(['--ws-auth', 'signed-bearer-token', '--ws-shared-secret-file', path.join(home, 'secret')]);
    assert.equal(status, 2);
    assert.match(stderr, /must be at least 32 bytes/);
  });

  it('refuses capability-token without a token source, auth flags without a mode, and an unknown mode', () => {
    assert.match(run(['--ws-auth', 'capability-token']).stderr, /`--ws-token-file` or `--ws-token-sha256` is required/);
    assert.match(run(['--ws-token-file', '/tmp/x']).stderr, /websocket auth flags require `--ws-auth/);
    assert.match(run(['--ws-auth', 'password']).stderr, /invalid value 'password' for '--ws-auth'/);
    assert.match(run(['--ws-auth', 'capability-token', '--ws-token-file', '/nonexistent/token']).stderr, /failed to read websocket auth secret/);
  });

  it('policy parsing and decisions work in-process too', async () => {
    assert.throws(() => authPolicyFromFlags(new Map([['ws-auth', 'capability-token'], ['ws-token-sha256', 'abc']])), AuthConfigError);
    const digest = crypto.createHash('sha256').update('t0k').digest('hex');
    const policy = authPolicyFromFlags(new Map([['ws-auth', 'capability-token'], ['ws-token-sha256', digest]]));
    assert.deepEqual(await authorizeHandshake(policy, 'Bearer t0k'), { ok: true });
    assert.deepEqual(await authorizeHandshake(policy, 'Basic t0k'), { ok: false, status: 401, message: 'missing websocket bearer token' });
    assert.deepEqual(await authorizeHandshake({ mode: 'none' }, undefined), { ok: true });
  });
});

describe('websocket auth: same answers as the reference app-server', function () {
  this.timeout(60000);

  it('refuses the same handshakes with the same status and reason', async () => {
    const home = makeTempDir('codex-parity-');
    fs.writeFileSync(path.join(home, 'secret'), SECRET);
    const args = ['--ws-auth', 'signed-bearer-token', '--ws-shared-secret-file', path.join(home, 'secret'), '--ws-issuer', 'iss-a', '--ws-audience', 'aud-a'];
    const claims = { iss: 'iss-a', aud: 'aud-a' };
    const cases: [string, string | undefined][] = [
      ['valid', await sign({ ...claims, exp: now() + 120 })],
      ['missing', undefined],
      ['no exp', await sign(claims)],
      ['expired', await sign({ ...claims, exp: now() - 600 })],
      ['nbf ahead', await sign({ ...claims, exp: now() + 900, nbf: now() + 600 })],
      ['wrong aud', await sign({ ...claims, aud: 'aud-b', exp: now() + 120 })],
      ['wrong iss', await sign({ ...claims, iss: 'iss-b', exp: now() + 120 })],
      ['alg none', `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, exp: now() + 120 })}.`],
      ['HS384', await sign({ ...claims, exp: now() + 120 }, 'HS384')],
    ];
    const answers: Record<'ours' | 'reference', string[]> = { ours: [], reference: [] };
    for (const which of ['ours', 'reference'] as const) {
      const server = await ListeningServer.start('ws://127.0.0.1:0', args, { codexHome: makeTempDir(`codex-parity-${which}-`), which });
      try {
        for (const [name, token] of cases) {
          const result = await openWebSocket(server.url, { token });
          if (result instanceof WebSocket) {
            result.terminate();
            answers[which].push(`${name}: accepted`);
          } else {
            answers[which].push(`${name}: ${result.status} ${result.body}`);
          }
        }
        const origin = await openWebSocket(server.url, { token: cases[0][1], headers: { origin: 'https://page.example' } });
        answers[which].push(`origin: ${origin instanceof WebSocket ? 'accepted' : origin.status}`);
        if (origin instanceof WebSocket) origin.terminate();
      } finally {
        await server.stop();
      }
    }
    assert.deepEqual(answers.ours, answers.reference);
    assert.equal(answers.ours[0], 'valid: accepted');
    assert.ok(answers.ours.slice(1, -1).every((line) => / 401 /.test(line)));
  });
});
