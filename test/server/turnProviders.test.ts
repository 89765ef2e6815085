import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { resolveProvider, ProviderError } from '../../server/providers/registry';
import { textInput } from './turnHelpers';

const config = (raw: Record<string, unknown>) => ({ ...(raw as object), raw }) as any;

describe('model providers', function () {
  this.timeout(60000);

  it('resolves built-in and configured providers', () => {
    const home = makeTempDir('codex-home-');
    const openai = resolveProvider('openai', config({}), home, { OPENAI_API_KEY: 'sk-env' });
    assert.equal(openai.baseUrl, 'https://api.openai.com/v1');
    assert.equal(openai.apiKey, 'sk-env');
    assert.equal(openai.wireApi, 'responses');
    fs.writeFileSync(path.join(home, 'auth.json'), JSON.stringify({ OPENAI_API_KEY: 'sk-file' }));
    assert.equal(resolveProvider('openai', config({}), home, {}).apiKey, 'sk-file');
    const ollama = resolveProvider('ollama', config({}), home, {});
    assert.equal(ollama.baseUrl, 'http://localhost:11434/v1');
    assert.equal(ollama.wireApi, 'responses');
    assert.equal(resolveProvider('lmstudio', config({}), home, {}).baseUrl, 'http://localhost:1234/v1');
    assert.equal(resolveProvider('ollama', config({}), home, { CODEX_OSS_PORT: '9999' }).baseUrl, 'http://localhost:9999/v1');
    const custom = resolveProvider(
      'azure',
      config({ model_providers: { azure: { base_url: 'https://x.example/openai/', env_key: 'AZ', wire_api: 'chat', query_params: { 'api-version': '1' }, http_headers: { 'x-a': 'b' }, request_max_retries: 7 } } }),
      home,
      { AZ: 'k' },
    );
    assert.deepEqual(
      [custom.baseUrl, custom.apiKey, custom.wireApi, custom.queryParams, custom.headers, custom.requestMaxRetries],
      ['https://x.example/openai', 'k', 'chat', { 'api-version': '1' }, { 'x-a': 'b' }, 7],
    );
    assert.throws(() => resolveProvider('nope', config({}), home, {}), ProviderError);
    assert.throws(() => resolveProvider('azure', config({ model_providers: { azure: { base_url: 'http://x', env_key: 'MISSING' } } }), home, {}), /MISSING/);
  });

  it('sends query_params and http_headers to a configured provider', async () => {
    const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];
    const capture = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'captured' } }));
    });
    await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
    const port = (capture.address() as AddressInfo).port;
    const codexHome = makeTempDir('codex-home-');
    fs.writeFileSync(
      path.join(codexHome, 'config.toml'),
      [
        'model = "m"',
        'model_provider = "custom"',
        '[model_providers.custom]',
        `base_url = "http://127.0.0.1:${port}/v1"`,
        'env_key = "MOCK_KEY"',
        'query_params = { "api-version" = "2025-01-01" }',
        'http_headers = { "x-team" = "agents" }',
      ].join('\n'),
    );
    const server = await AppServerProcess.start('ours', { codexHome, cwd: codexHome });
    try {
      const { thread } = await server.request('thread/start', { cwd: codexHome });
      const { turn } = await server.request('turn/start', { threadId: thread.id, input: textInput('hi') });
      const done = await server.waitFor('turn/completed', (p) => p.turn.id === turn.id);
      assert.equal(done.params.turn.status, 'failed');
      assert.match(done.params.turn.error.message, /HTTP 400.*captured/);
      assert.equal(seen[0].url, '/v1/responses?api-version=2025-01-01');
      assert.equal(seen[0].headers['x-team'], 'agents');
      assert.equal(seen[0].headers.authorization, 'Bearer mock-key');
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
      capture.close();
    }
  });

  it('the built-in openai provider uses the API key saved in auth.json', async () => {
    const model = await new ScriptedModel().start();
    const codexHome = makeTempDir('codex-home-');
    fs.writeFileSync(path.join(codexHome, 'auth.json'), JSON.stringify({ OPENAI_API_KEY: 'sk-from-auth-json' }));
    fs.writeFileSync(path.join(codexHome, 'config.toml'), `model = "gpt-test"\nmodel_provider = "openai"\n[model_providers.openai]\nbase_url = "${model.baseUrl}"\nrequest_max_retries = 0\n`);
    model.enqueue(reply.text('hello from openai'));
    const server = await AppServerProcess.start('ours', { codexHome, cwd: codexHome, env: { OPENAI_API_KEY: '' } });
    try {
      const { thread } = await server.request('thread/start', { cwd: codexHome });
      const { turn } = await server.request('turn/start', { threadId: thread.id, input: textInput('hi') });
      const done = await server.waitFor('turn/completed', (p) => p.turn.id === turn.id);
      assert.equal(done.params.turn.status, 'completed', JSON.stringify(done.params.turn.error));
      assert.equal(model.modelRequests[0].headers.authorization, 'Bearer sk-from-auth-json');
      assert.equal(model.modelRequests[0].body.model, 'gpt-test');
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
      await model.stop();
    }
  });
});
