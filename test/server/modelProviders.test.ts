/**
 * `modelProvider/list`, `modelProvider/capabilities/read` against the reference
 * (same config.toml, same answers), and `model/list` asking the selected
 * provider's `/v1/models`. The reference never asks (its catalog is bundled);
 * ours lists what a local OpenAI-compatible server has installed, before the
 * built-in catalog, with a short timeout and the last good answer as fallback.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { AppServerProcess, makeTempDir, type Which } from '../helpers/appServerProcess';
import { ScriptedModel } from '../helpers/scriptedModel';

function homeWith(toml: string): string {
  const home = makeTempDir('codex-home-');
  fs.mkdirSync(path.join(home, 'tmp'));
  fs.writeFileSync(path.join(home, 'config.toml'), toml);
  return home;
}

async function ask(which: Which, toml: string, calls: [string, unknown][]): Promise<unknown[]> {
  const codexHome = homeWith(toml);
  const server = await AppServerProcess.start(which, { codexHome, env: { TMPDIR: path.join(codexHome, 'tmp') } });
  try {
    const answers: unknown[] = [];
    for (const [method, params] of calls) answers.push(await server.request(method, params));
    assert.deepEqual(server.violations, []);
    return answers;
  } finally {
    await server.stop();
  }
}

describe('model providers compared with the reference', function () {
  this.timeout(90000);
  const calls: [string, unknown][] = [
    ['modelProvider/list', {}],
    ['modelProvider/capabilities/read', {}],
  ];
  const configs: Record<string, string> = {
    'no config': '',
    'two custom providers (one without a key), the second selected': [
      'model_provider = "zlocal"',
      'model = "qwen"',
      '[model_providers.mock]',
      'name = "Scripted mock"',
      'base_url = "http://127.0.0.1:9/v1"',
      'env_key = "MOCK_KEY"',
      '[model_providers.zlocal]',
      'name = "Local server"',
      'base_url = "http://127.0.0.1:10/v1"',
      '',
    ].join('\n'),
    'openai_base_url': 'openai_base_url = "http://127.0.0.1:11/v1"\n',
    'a built-in local provider selected': 'model_provider = "lmstudio"\nmodel = "qwen"\n',
  };
  for (const [label, toml] of Object.entries(configs)) {
    it(`same answers: ${label}`, async () => {
      const reference = await ask('reference', toml, calls);
      const ours = await ask('ours', toml, calls);
      assert.deepEqual(ours, reference);
    });
  }
});

describe('model/list asks the selected provider for its models', function () {
  this.timeout(60000);
  let model: ScriptedModel;

  beforeEach(async () => {
    model = await new ScriptedModel().start();
    model.availableModels = ['qwen2.5-coder:7b', 'llama3.2:3b', 'gpt-5.1-codex'];
  });
  afterEach(async () => {
    await model.stop();
  });

  const localConfig = (baseUrl: string) =>
    ['model_provider = "local"', 'model = "qwen2.5-coder:7b"', '[model_providers.local]', 'name = "Local server"', `base_url = "${baseUrl}"`, 'env_key = "LOCAL_KEY"', ''].join('\n');

  it('merges the installed models (first, with low/medium/high) with the catalog; the reference asks nothing', async () => {
    const [reference] = (await ask('reference', localConfig(model.baseUrl), [['model/list', {}]])) as any[];
    assert.equal(model.requests.filter((r) => r.path.endsWith('/models')).length, 0, 'the reference does not ask /v1/models');
    assert.ok(reference.data.length > 0);

    const codexHome = homeWith(localConfig(model.baseUrl));
    const server = await AppServerProcess.start('ours', { codexHome, env: { LOCAL_KEY: 'local-secret' } });
    try {
      const { data } = await server.request('model/list', {});
      const ids = data.map((m: any) => m.id);
      assert.deepEqual(ids.slice(0, 2), ['qwen2.5-coder:7b', 'llama3.2:3b']);
      assert.equal(data[0].isDefault, true);
      assert.match(data[1].description, /Local server/);
      assert.deepEqual(data[1].supportedReasoningEfforts.map((e: any) => e.reasoningEffort), ['low', 'medium', 'high']);
      assert.equal(ids.filter((id: string) => id === 'gpt-5.1-codex').length, 1, 'a catalog model the server also has is listed once');
      const probe = model.requests.find((r) => r.path === '/v1/models');
      assert.ok(probe, 'ours asked /v1/models');
      assert.equal(probe.headers.authorization, 'Bearer local-secret');
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
    }
  });

  it('falls back to the last answer when the server is gone, and to the catalog alone when it never answers in time', async () => {
    const codexHome = homeWith(localConfig(model.baseUrl));
    const server = await AppServerProcess.start('ours', { codexHome });
    // A server that accepts connections and never answers.
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const first = await server.request('model/list', {});
      assert.equal(first.data[1].id, 'llama3.2:3b');
      await model.stop();
      await new Promise((r) => setTimeout(r, 5200)); // past the 5 s freshness window: it asks again and fails
      const again = await server.request('model/list', {});
      assert.deepEqual(again.data.map((m: any) => m.id), first.data.map((m: any) => m.id));

      const port = (silent.address() as AddressInfo).port;
      fs.writeFileSync(path.join(codexHome, 'config.toml'), localConfig(`http://127.0.0.1:${port}/v1`));
      const started = Date.now();
      const alone = await server.request('model/list', {});
      const took = Date.now() - started;
      assert.ok(took < 5000, `model/list waited ${took} ms for a silent server`);
      assert.deepEqual(alone.data.map((m: any) => m.id).slice(0, 2), ['qwen2.5-coder:7b', 'gpt-5.1-codex']);
      assert.ok(!alone.data.some((m: any) => m.id === 'llama3.2:3b'));
    } finally {
      silent.closeAllConnections();
      silent.close();
      await server.stop();
    }
  });

  it('the built-in OpenAI provider is asked only at openai_base_url', async () => {
    const codexHome = homeWith(`openai_base_url = "${model.baseUrl}"\n`);
    const server = await AppServerProcess.start('ours', { codexHome, env: { OPENAI_API_KEY: '' } });
    try {
      const { data } = await server.request('model/list', {});
      assert.ok(data.some((m: any) => m.id === 'qwen2.5-coder:7b'));
      assert.equal(model.requests.filter((r) => r.path === '/v1/models').length, 1);
    } finally {
      await server.stop();
    }
  });
});
