/**
 * `account/*` against the reference: the same calls on a clean CODEX_HOME give
 * the same answers, notifications (after the response, in the same order) and
 * the same auth.json (fields, mode 0600). Where the reference needs OpenAI's
 * servers (ChatGPT sign-in, device code, rate limits) ours says so instead.
 * One deliberate difference: the reference saves an empty key; ours refuses it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir, RpcResponseError, type Which } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';

const KEY = 'sk-test-account-0123456789';

function freshHome(): string {
  const home = makeTempDir('codex-home-');
  fs.mkdirSync(path.join(home, 'tmp'));
  return home;
}

async function start(which: Which, codexHome = freshHome()): Promise<AppServerProcess> {
  // No key in the environment: the account comes from auth.json only.
  return AppServerProcess.start(which, { codexHome, env: { OPENAI_API_KEY: '', TMPDIR: path.join(codexHome, 'tmp') } });
}

async function settle(server: AppServerProcess, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (server.methods((m) => m.startsWith('account/')).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Index of a response line vs. notification lines in what the server wrote. */
function lineIndex(server: AppServerProcess, predicate: (message: any) => boolean): number {
  return server.rawLines.findIndex((line) => {
    try {
      return predicate(JSON.parse(line));
    } catch {
      return false;
    }
  });
}

async function errorOf(promise: Promise<unknown>): Promise<RpcResponseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcResponseError) return error;
    throw error;
  }
  assert.fail('expected an error response');
}

async function recordLoginLogout(which: Which) {
  const server = await start(which);
  try {
    const before = await server.request('account/read', {});
    const login = await server.request('account/login/start', { type: 'apiKey', apiKey: KEY });
    await settle(server, 2);
    const accountNotifications = () => server.notifications.filter((n) => n.method.startsWith('account/')).map((n) => ({ method: n.method, params: n.params }));
    const loginNotifications = accountNotifications();
    const responseLine = lineIndex(server, (m) => m.id !== undefined && m.result?.type === 'apiKey');
    const firstNotificationLine = lineIndex(server, (m) => m.method === 'account/login/completed');
    const authFile = path.join(server.codexHome, 'auth.json');
    const auth = JSON.parse(fs.readFileSync(authFile, 'utf8'));
    const mode = fs.statSync(authFile).mode & 0o777;
    const after = await server.request('account/read', {});
    server.clearNotifications();
    const logout = await server.request('account/logout');
    await settle(server, 1);
    const logoutNotifications = accountNotifications();
    const loggedOut = await server.request('account/read', {});
    return {
      before,
      login,
      loginNotifications,
      notificationsAfterResponse: responseLine >= 0 && firstNotificationLine > responseLine,
      auth,
      mode,
      after,
      logout,
      logoutNotifications,
      fileGone: !fs.existsSync(authFile),
      loggedOut,
      violations: server.violations,
    };
  } finally {
    await server.stop();
  }
}

describe('account/* compared with the reference', function () {
  this.timeout(90000);

  it('API-key login and logout: same answers, notifications, auth.json fields and 0600 mode', async () => {
    const reference = await recordLoginLogout('reference');
    const ours = await recordLoginLogout('ours');
    assert.deepEqual(ours.violations, []);
    assert.deepEqual(reference.violations, []);
    assert.deepEqual(reference.auth, { auth_mode: 'apikey', OPENAI_API_KEY: KEY });
    assert.equal(reference.mode, 0o600);
    assert.deepEqual(reference.loginNotifications.map((n) => n.method), ['account/login/completed', 'account/updated']);
    assert.equal(reference.notificationsAfterResponse, true);
    const { violations: _r, ...referenceRest } = reference;
    const { violations: _o, ...oursRest } = ours;
    assert.deepEqual(oursRest, referenceRest);
  });

  it('refuses an empty, blank or multi-line key with a clear error and writes nothing (the reference saves them)', async () => {
    const server = await start('ours');
    try {
      for (const apiKey of ['', '   ', 'sk-abc\nsk-def', 'sk abc']) {
        const error = await errorOf(server.request('account/login/start', { type: 'apiKey', apiKey }));
        assert.equal(error.code, -32602);
        assert.match(error.message, /API key/);
        if (apiKey.trim()) assert.ok(!error.message.includes(apiKey.trim()), 'the key is not echoed');
      }
      const missing = await errorOf(server.request('account/login/start', { type: 'apiKey' }));
      assert.equal(missing.code, -32602);
      assert.equal(fs.existsSync(path.join(server.codexHome, 'auth.json')), false);
      assert.deepEqual((await server.request('account/read', {})).account, null);
      assert.deepEqual(server.methods((m) => m.startsWith('account/')), []);
      assert.ok(!server.stderrLines.some((line) => line.includes('sk-abc')));
    } finally {
      await server.stop();
    }
  });

  it('ChatGPT and device-code sign-in say they need the official server; rate limits and unknown login ids fail as in the reference', async () => {
    const reference = await start('reference');
    const ours = await start('ours');
    try {
      for (const type of ['chatgptDeviceCode', 'chatgpt']) {
        const error = await errorOf(ours.request('account/login/start', { type }));
        assert.equal(error.code, -32600);
        assert.match(error.message, /needs the official Codex server .* internet access/);
      }
      // The reference needs auth.openai.com for a device code; offline it fails.
      const referenceDevice = await errorOf(reference.request('account/login/start', { type: 'chatgptDeviceCode' }));
      assert.match(referenceDevice.message, /device code/);
      for (const server of [reference, ours]) {
        const limits = await errorOf(server.request('account/rateLimits/read'));
        assert.equal(limits.code, -32600);
        assert.match(limits.message, /^codex account authentication required to read rate limits/);
        await server.request('account/login/start', { type: 'apiKey', apiKey: KEY });
        const withKey = await errorOf(server.request('account/rateLimits/read'));
        assert.match(withKey.message, /^chatgpt authentication required to read rate limits/);
        const cancel = await errorOf(server.request('account/login/cancel', { loginId: 'nope' }));
        assert.equal(cancel.code, -32600);
        assert.equal(cancel.message, 'invalid login id: nope');
        const bad = await errorOf(server.request('account/login/start', { type: 'bogus' }));
        assert.ok([-32600, -32602].includes(bad.code));
      }
      assert.deepEqual(ours.violations, []);
    } finally {
      await reference.stop();
      await ours.stop();
    }
  });

  it('the saved key signs the model requests of the built-in OpenAI provider at openai_base_url, as with the reference', async () => {
    const seen: Record<string, string | undefined> = {};
    for (const which of ['reference', 'ours'] as const) {
      const model = await new ScriptedModel().start();
      const codexHome = freshHome();
      fs.writeFileSync(path.join(codexHome, 'config.toml'), `model = "mock-model"\nopenai_base_url = "${model.baseUrl}"\napproval_policy = "never"\n`);
      const first = await start(which, codexHome);
      await first.request('account/login/start', { type: 'apiKey', apiKey: KEY });
      await first.stop();
      // A new server reads the key back from auth.json.
      const server = await start(which, codexHome);
      try {
        assert.deepEqual((await server.request('account/read', {})).account, { type: 'apiKey' });
        model.enqueue(reply.text('Signed in.'));
        const { thread } = await server.request('thread/start', { cwd: codexHome });
        const { turn } = await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
        const done = await server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 40000);
        assert.equal(done.params.turn.status, 'completed', JSON.stringify(done.params.turn.error));
        seen[which] = model.modelRequests[0]?.headers.authorization;
        assert.ok(!server.stderrLines.some((line) => line.includes(KEY)), `${which} logged the key`);
      } finally {
        await server.stop();
        await model.stop();
      }
    }
    assert.equal(seen.reference, `Bearer ${KEY}`);
    assert.equal(seen.ours, seen.reference);
  });
});
