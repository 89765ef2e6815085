/** The welcome card's helpers that need no VS Code: the config.toml template, finding `codex` on PATH, local-server edits. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { CONFIG_TEMPLATE, ensureConfigFile } from '../../extension/welcome/configTemplate';
import { describeServer, isLoopbackUrl, localProviderEdits } from '../../extension/welcome/localModels';
import { findCodexBinaries } from '../../extension/welcome/officialServer';
import { isCredentialsError } from '../../webview/welcome';
import { makeTempDir } from '../helpers/tempDir';

describe('welcome helpers', () => {
  it('creates config.toml from a template that changes nothing until edited, and never overwrites one', () => {
    assert.deepEqual(Object.keys(parse(CONFIG_TEMPLATE)), [], 'every line is a comment');
    // The custom-server example, uncommented, is valid TOML with the table the README describes.
    const example = CONFIG_TEMPLATE.slice(CONFIG_TEMPLATE.indexOf('# ── Any OpenAI-compatible server'));
    const parsed = parse(example.replace(/^# (?=[\w[])/gm, '')) as any;
    assert.equal(parsed.model_providers['my-server'].wire_api, 'responses');
    const home = makeTempDir('codex-welcome-');
    const file = path.join(home, 'nested', 'config.toml');
    assert.equal(ensureConfigFile(file), 'created');
    assert.equal(fs.readFileSync(file, 'utf8'), CONFIG_TEMPLATE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    fs.writeFileSync(file, 'model = "mine"\n');
    assert.equal(ensureConfigFile(file), 'exists');
    assert.equal(fs.readFileSync(file, 'utf8'), 'model = "mine"\n');
    assert.throws(() => ensureConfigFile('relative/config.toml'), /Not a config.toml path/);
    assert.throws(() => ensureConfigFile(path.join(home, 'settings.json')), /Not a config.toml path/);
  });

  it('finds executable codex binaries on PATH only', async () => {
    const [a, b, c] = [makeTempDir('bin-a-'), makeTempDir('bin-b-'), makeTempDir('bin-c-')];
    fs.writeFileSync(path.join(a, 'codex'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(b, 'codex'), 'not executable', { mode: 0o644 });
    fs.mkdirSync(path.join(c, 'codex'));
    assert.deepEqual(await findCodexBinaries([b, a, c, '/nonexistent'].join(path.delimiter)), [path.join(a, 'codex')]);
  });

  it('probes loopback servers only and names the built-in providers by their ports', () => {
    assert.equal(isLoopbackUrl('http://127.0.0.1:11434/v1'), true);
    assert.equal(isLoopbackUrl('http://localhost:1234/v1'), true);
    assert.equal(isLoopbackUrl('http://10.0.0.2:11434/v1'), false);
    assert.equal(isLoopbackUrl('file:///etc/passwd'), false);
    assert.equal(describeServer('http://127.0.0.1:11434/v1').providerId, 'ollama');
    assert.equal(describeServer('http://127.0.0.1:1234/v1').providerId, 'lmstudio');
    const custom = { ...describeServer('http://127.0.0.1:8080/v1'), baseUrl: 'http://127.0.0.1:8080/v1', models: ['m'] };
    assert.equal(custom.providerId, 'local');
    assert.deepEqual(localProviderEdits({ ...describeServer('http://127.0.0.1:11434/v1'), baseUrl: 'http://127.0.0.1:11434/v1', models: [] }, 'qwen').map((e) => e.keyPath), ['model_provider', 'model']);
    assert.deepEqual(localProviderEdits(custom, 'm').map((e) => e.keyPath), ['model_provider', 'model', 'model_providers.local']);
  });

  it('recognizes credentials errors (ours and the reference\'s), not other failures', () => {
    assert.ok(isCredentialsError('Missing environment variable: `OPENAI_API_KEY` (needed by model provider `openai`).'));
    assert.ok(isCredentialsError('unexpected status 401 Unauthorized: Incorrect API key provided'));
    assert.ok(!isCredentialsError('unexpected status 500 Internal Server Error'));
    assert.ok(!isCredentialsError('The Codex server exited with code 1'));
  });
});
