/**
 * End-to-end: a scripted "local model server" (OpenAI-compatible, on 127.0.0.1) is found by
 * the welcome card's "Use a local model", chosen from the quick pick, written to config.toml
 * (through config/batchWrite) and answers the next prompt. The probe list is the
 * `codex.localModelServers` setting (Ollama's and LM Studio's ports by default), here the
 * scripted server's port. Screenshots: test-results/localmodel-NN-….png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { reply } from '../helpers/scriptedModel';
import { E2eSession, RESULTS_DIR, eventually } from './sessionHarness';

const LOCAL_MODEL = 'local-coder:7b';

describe('end-to-end local model: detected, chosen, answers (code-server)', function () {
  this.timeout(120_000);
  const session = new E2eSession();

  before(async function () {
    this.timeout(6 * 60_000);
    for (const old of fs.existsSync(RESULTS_DIR) ? fs.readdirSync(RESULTS_DIR) : []) {
      if (/^localmodel-.*\.png$/.test(old)) fs.rmSync(path.join(RESULTS_DIR, old));
    }
    session.model.availableModels = [LOCAL_MODEL, 'other-model:1b'];
    await session.start({
      screenshotPrefix: 'localmodel',
      prepareCodexHome: (codexHome) => {
        // A clean setup: the default OpenAI provider without a key, so the welcome card shows.
        fs.writeFileSync(path.join(codexHome, 'config.toml'), 'approval_policy = "never"\n');
        // A closed port first: only servers that answer are offered.
        return { 'codex.localModelServers': ['http://127.0.0.1:9/v1', session.model.baseUrl] };
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

  it('"Use a local model" lists the running server\'s models and writes the choice to config.toml', async () => {
    await session.openCodexContainer();
    const frame = await session.chatFrame();
    await frame.locator('.welcome-card').waitFor({ state: 'visible', timeout: 30_000 });
    await frame.locator('.welcome-card button', { hasText: 'Use a local model' }).click();
    const row = session.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: LOCAL_MODEL }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await session.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').count(), 2, 'one row per installed model');
    await session.screenshot('local-models');
    await row.click();
    await frame.locator('.welcome-card').waitFor({ state: 'hidden', timeout: 20_000 });
    const toml = await eventually('config.toml to name the local provider', () => {
      const text = fs.readFileSync(path.join(session.codexHome, 'config.toml'), 'utf8');
      return text.includes('[model_providers.local]') ? text : null;
    });
    assert.match(toml, /model_provider = "local"/);
    assert.match(toml, new RegExp(`model = "${LOCAL_MODEL}"`));
    assert.ok(toml.includes(session.model.baseUrl));
    assert.match(toml, /approval_policy = "never"/, 'what was there stays');
    await eventually('the status bar to name the local server', async () =>
      /Local model server/.test(await session.page.locator('.statusbar-item', { hasText: /Local model server/ }).first().innerText().catch(() => '')),
    );
  });

  it('the next prompt goes to the local server and is answered', async () => {
    session.model.enqueue(reply.text('Answered **locally**.'));
    const frame = await session.sendPrompt('Hello, local model');
    await frame.locator('.entry-agent', { hasText: 'Answered locally.' }).waitFor({ timeout: 30_000 });
    await session.screenshot('local-answer');
    assert.equal(session.model.modelRequests.at(-1)?.body.model, LOCAL_MODEL);
    const picker = frame.locator('.model-picker');
    assert.equal(await picker.inputValue(), LOCAL_MODEL, 'the picker shows the local model');
    assert.ok((await picker.locator('option').allInnerTexts()).includes('other-model:1b'), 'model/list merged the server\'s models');
  });
});
