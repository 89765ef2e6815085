/**
 * End-to-end: the packaged .vsix in code-server connected to a remote app-server over WebSocket
 * (`codex.remoteUrl`) that demands a capability token. A user sees the refusal, stores the token
 * with "Codex: Set Remote Server Token" (Secret Storage, never settings.json), and chats through
 * the remote server; no local server is spawned. Screenshots: test-results/remote-NN-….png.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { reply } from '../helpers/scriptedModel';
import { ListeningServer } from '../helpers/listeningServer';
import { E2eSession, RESULTS_DIR, eventually } from './sessionHarness';

describe('end-to-end remote server in code-server (capability token over ws://)', function () {
  this.timeout(90_000);
  const session = new E2eSession();
  const token = crypto.randomBytes(24).toString('hex');
  let remote: ListeningServer | undefined;
  let failed = false;

  before(async function () {
    this.timeout(5 * 60_000);
    for (const old of fs.existsSync(RESULTS_DIR) ? fs.readdirSync(RESULTS_DIR) : []) {
      if (/^remote-.*\.png$/.test(old)) fs.rmSync(path.join(RESULTS_DIR, old));
    }
    await session.start({
      screenshotPrefix: 'remote',
      prepareCodexHome: async (codexHome) => {
        const tokenFile = path.join(session.root, 'ws-token');
        fs.writeFileSync(tokenFile, token, { mode: 0o600 });
        remote = await ListeningServer.start('ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', tokenFile], {
          codexHome,
          env: { MOCK_KEY: 'e2e-key' },
        });
        return { 'codex.remoteUrl': remote.url };
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    await session.screenshot(`${(this.currentTest.title.match(/\w+/g) ?? []).slice(0, 5).join('-')}-FAILED`).catch(() => undefined);
    console.log(await session.diagnostics().catch((error: Error) => `(no diagnostics: ${error.message})`));
    console.log(`--- remote server stderr ---\n${remote?.stderrLines.slice(-40).join('\n') ?? ''}`);
  });

  after(async function () {
    this.timeout(60_000);
    await session.stop();
    await remote?.stop();
  });

  async function setTokenThroughThePalette(value: string): Promise<void> {
    await session.runCommand('Codex: Set Remote Server Token');
    const input = session.page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(value);
    await input.press('Enter');
  }

  it('without a valid token the chat says the remote refused it, and no local server is spawned', async () => {
    await session.openCodexContainer();
    const frame = await session.chatFrame();
    const banner = frame.locator('.connection-banner');
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    await eventually('the banner to explain the refusal', async () => /401|token|unauthori[sz]ed|refused/i.test(await banner.innerText()), 20_000);
    assert.match(await banner.innerText(), /could not be reached/);
    assert.equal((await banner.locator('button').innerText()).trim(), 'Reconnect', 'a remote server is reconnected to, not restarted');
    await session.screenshot('no-token');

    await setTokenThroughThePalette('not-the-token');
    await eventually('the refusal of a wrong token', async () => /401|token|unauthori[sz]ed|refused/i.test(await banner.innerText()), 20_000);
    assert.deepEqual(session.serverPids(), [], 'no local app-server runs while codex.remoteUrl is set');
    assert.ok(!failed);
  });

  it('Set Remote Server Token stores the token outside settings.json and connects', async () => {
    await setTokenThroughThePalette(token);
    const frame = await session.chatFrame();
    await eventually('the chat to connect to the remote server', async () => (await frame.locator('.connection-banner').isHidden()) || null, 30_000);
    await session.screenshot('connected');
    const settingsFile = path.join(session.profile.userDataDir, 'User', 'settings.json');
    assert.ok(fs.existsSync(settingsFile), `settings at ${settingsFile}`);
    assert.ok(!fs.readFileSync(settingsFile, 'utf8').includes(token), 'the token is not written into settings.json');
    assert.deepEqual(session.serverPids(), [], 'still no local app-server');
  });

  it('a prompt streams its reply through the remote server, which keeps the thread', async () => {
    session.model.enqueue(reply.text('Hello through the **remote** server.'));
    const frame = await session.sendPrompt('Say hello remotely');
    await frame.locator('.entry-agent', { hasText: 'Hello through the remote server.' }).waitFor({ timeout: 30_000 });
    await session.screenshot('reply');
    // The remote server (not a local one) wrote the rollout into its CODEX_HOME.
    await eventually('the rollout in the remote CODEX_HOME', () => {
      const sessions = path.join(session.codexHome, 'sessions');
      if (!fs.existsSync(sessions)) return false;
      const files = fs.readdirSync(sessions, { recursive: true }).map(String).filter((f) => f.endsWith('.jsonl'));
      return files.some((f) => fs.readFileSync(path.join(sessions, f), 'utf8').includes('Say hello remotely'));
    }, 10_000);
  });
});
