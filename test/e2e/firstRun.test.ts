/**
 * End-to-end first run in code-server: a clean CODEX_HOME (only `openai_base_url`, pointing the
 * built-in OpenAI provider at the scripted model) and no OPENAI_API_KEY. The chat shows the
 * welcome card; the user enters a key through the card's password box; the card goes away
 * without a reload and the first prompt is answered with that key. auth.json is 0600 and the
 * key is in no settings.json and no log. "Codex: Sign Out" brings the card back.
 * Screenshots: test-results/firstrun-NN-….png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { listLogFiles } from '../../scripts/codeServer';
import { reply } from '../helpers/scriptedModel';
import { E2eSession, RESULTS_DIR, eventually } from './sessionHarness';

const KEY = `sk-e2e-${Date.now().toString(36)}-firstrun`;

describe('end-to-end first run: welcome card, API key, first prompt (code-server)', function () {
  this.timeout(120_000);
  const session = new E2eSession();

  before(async function () {
    this.timeout(6 * 60_000);
    for (const old of fs.existsSync(RESULTS_DIR) ? fs.readdirSync(RESULTS_DIR) : []) {
      if (/^firstrun-.*\.png$/.test(old)) fs.rmSync(path.join(RESULTS_DIR, old));
    }
    await session.start({
      screenshotPrefix: 'firstrun',
      prepareCodexHome: (codexHome) => {
        // Replaces the harness's mock-provider config: the default OpenAI provider, no key anywhere.
        fs.writeFileSync(path.join(codexHome, 'config.toml'), `model = "mock-model"\nopenai_base_url = "${session.model.baseUrl}"\napproval_policy = "never"\n`);
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await session.screenshot(`${(this.currentTest.title.match(/\w+/g) ?? []).slice(0, 5).join('-')}-FAILED`).catch(() => undefined);
    console.log(await session.diagnostics().catch((error: Error) => `(no diagnostics: ${error.message})`));
  });

  after(async function () {
    this.timeout(60_000);
    await session.stop();
  });

  const statusItem = () => session.page.locator('.statusbar-item', { hasText: /Codex: Sign in|OpenAI API key/ }).first();

  it('shows the welcome card with its four choices, and the status bar asks to sign in', async () => {
    await session.openCodexContainer();
    const frame = await session.chatFrame();
    const card = frame.locator('.welcome-card');
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    assert.deepEqual(
      (await card.locator('button').allInnerTexts()).map((t) => t.trim()),
      ['Use an OpenAI API key', 'Use a local model', 'Open config.toml', 'Use the official Codex server'],
    );
    assert.equal(await frame.locator('.empty-state').isVisible(), false);
    await eventually('the status bar to ask for sign-in', async () => /Sign in/.test(await statusItem().innerText()));
    await session.screenshot('welcome-card');
  });

  it('a key entered through the card (password box) hides the card without a reload', async () => {
    const frame = await session.chatFrame();
    await frame.locator('.welcome-card button', { hasText: 'Use an OpenAI API key' }).click();
    const input = session.page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(KEY);
    await session.screenshot('key-box');
    await input.press('Enter');
    await frame.locator('.welcome-card').waitFor({ state: 'hidden', timeout: 20_000 });
    await eventually('the status bar to name the account', async () => /OpenAI API key/.test(await statusItem().innerText()));
    const authFile = path.join(session.codexHome, 'auth.json');
    assert.equal(fs.statSync(authFile).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(fs.readFileSync(authFile, 'utf8')), { auth_mode: 'apikey', OPENAI_API_KEY: KEY });
  });

  it('the first prompt is answered, signed with the key', async () => {
    session.model.enqueue(reply.text('Hello, **new user**.'));
    const frame = await session.sendPrompt('Say hello to a new user');
    await frame.locator('.entry-agent', { hasText: 'Hello, new user.' }).waitFor({ timeout: 30_000 });
    await session.screenshot('first-answer');
    assert.equal(session.model.modelRequests[0]?.headers.authorization, `Bearer ${KEY}`);
    assert.equal(await frame.locator('.notice-error').count(), 0);
  });

  it('the key is in no settings.json and no log', async () => {
    const settingsFile = path.join(session.profile.userDataDir, 'User', 'settings.json');
    assert.ok(fs.existsSync(settingsFile));
    assert.ok(!fs.readFileSync(settingsFile, 'utf8').includes(KEY), 'not in settings.json');
    const workspaceSettings = path.join(session.workspace, '.vscode', 'settings.json');
    assert.ok(!fs.existsSync(workspaceSettings) || !fs.readFileSync(workspaceSettings, 'utf8').includes(KEY), 'not in the workspace settings');
    const logs = listLogFiles(session.profile);
    assert.ok(logs.length > 0, 'code-server wrote logs');
    for (const file of logs) assert.ok(!fs.readFileSync(file, 'utf8').includes(KEY), `not in ${path.basename(file)}`);
    assert.ok(!session.codeServer.output().includes(KEY), 'not in the code-server output');
    const logDir = path.join(session.codexHome, 'log');
    for (const file of fs.existsSync(logDir) ? fs.readdirSync(logDir) : []) assert.ok(!fs.readFileSync(path.join(logDir, file), 'utf8').includes(KEY));
  });

  it('"Codex: Sign Out" removes the key and brings the welcome card back for a new thread', async () => {
    await session.runCommand('Codex: Sign Out');
    await eventually('auth.json to go', () => !fs.existsSync(path.join(session.codexHome, 'auth.json')));
    await eventually('the status bar to ask for sign-in again', async () => /Sign in/.test(await statusItem().innerText()));
    const frame = await session.chatFrame();
    await session.runCommand('Codex: New Thread');
    await frame.locator('.welcome-card').waitFor({ state: 'visible', timeout: 20_000 });
    await session.screenshot('signed-out');
  });
});
