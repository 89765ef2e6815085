/**
 * The V8 code cache that speeds up the server's cold start: the first run
 * compiles and writes a cache, the next run uses it, a corrupt or foreign
 * cache is never trusted, and the real `dist/server.js` still answers
 * `initialize` correctly both cold and warm.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { codeCacheFile, isPrivateDirectory } from '../../server/core/codeCache';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Runs `bundle` through runWithCodeCache in a fresh Node process; returns what the bundle and the loader reported. */
function runBundle(bundle: string, cacheDir: string): { cacheUsed: boolean; answer: unknown; cacheFile: string } {
  const loader = `
    require('tsx/cjs');
    const { runWithCodeCache } = require(${JSON.stringify(path.join(REPO_ROOT, 'server/core/codeCache.ts'))});
    const run = runWithCodeCache(${JSON.stringify(bundle)}, { cacheDir: ${JSON.stringify(cacheDir)}, writeDelayMs: 60000 });
    process.stdout.write(JSON.stringify({ cacheUsed: run.cacheUsed, cacheFile: run.cacheFile, answer: globalThis.bundleAnswer }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', loader], { cwd: REPO_ROOT, encoding: 'utf8' }));
}

describe('server code cache', function () {
  this.timeout(60000);

  it('writes a cache on the first run, uses it on the next, and the bundle behaves the same', () => {
    const dir = makeTempDir('codecache-');
    const bundle = path.join(dir, 'bundle.js');
    fs.writeFileSync(bundle, `const path = require('node:path'); globalThis.bundleAnswer = [path.basename(__filename), module.exports === exports, 6 * 7];\n`);
    const cacheDir = path.join(dir, 'cache');
    const cold = runBundle(bundle, cacheDir);
    assert.equal(cold.cacheUsed, false);
    assert.deepEqual(cold.answer, ['bundle.js', true, 42]);
    assert.ok(fs.existsSync(cold.cacheFile), 'the exit of the first run writes the cache');
    assert.equal(fs.statSync(cacheDir).mode & 0o777, 0o700);

    const warm = runBundle(bundle, cacheDir);
    assert.equal(warm.cacheUsed, true);
    assert.deepEqual(warm.answer, ['bundle.js', true, 42]);
  });

  it('rejects a corrupt cache, still runs the bundle, and rewrites the cache', () => {
    const dir = makeTempDir('codecache-');
    const bundle = path.join(dir, 'bundle.js');
    fs.writeFileSync(bundle, `globalThis.bundleAnswer = 'ran';\n`);
    const cacheDir = path.join(dir, 'cache');
    const { cacheFile } = runBundle(bundle, cacheDir);
    fs.writeFileSync(cacheFile, Buffer.alloc(fs.statSync(cacheFile).size, 7));
    const corrupt = runBundle(bundle, cacheDir);
    assert.equal(corrupt.cacheUsed, false);
    assert.equal(corrupt.answer, 'ran');
    assert.equal(runBundle(bundle, cacheDir).cacheUsed, true, 'the rejected cache was replaced by a good one');
  });

  it('never reads a cache from a directory other users can write to', () => {
    const dir = makeTempDir('codecache-');
    const bundle = path.join(dir, 'bundle.js');
    fs.writeFileSync(bundle, `globalThis.bundleAnswer = 'ran';\n`);
    const cacheDir = path.join(dir, 'cache');
    runBundle(bundle, cacheDir);
    assert.equal(isPrivateDirectory(cacheDir), true);
    fs.chmodSync(cacheDir, 0o777);
    assert.equal(isPrivateDirectory(cacheDir), false);
    const shared = runBundle(bundle, cacheDir);
    assert.equal(shared.cacheUsed, false);
    assert.equal(shared.answer, 'ran');
  });

  it('keys the cache by the bundle build: a rebuilt bundle replaces its old cache', () => {
    const dir = makeTempDir('codecache-');
    const bundle = path.join(dir, 'bundle.js');
    const cacheDir = path.join(dir, 'cache');
    fs.writeFileSync(bundle, `globalThis.bundleAnswer = 1;\n`);
    const first = runBundle(bundle, cacheDir);
    fs.writeFileSync(bundle, `globalThis.bundleAnswer = 2; // rebuilt\n`);
    const second = runBundle(bundle, cacheDir);
    assert.notEqual(second.cacheFile, first.cacheFile);
    assert.equal(second.answer, 2);
    assert.equal(second.cacheFile, codeCacheFile(bundle, fs.statSync(bundle), cacheDir));
    assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(second.cacheFile)]);
  });

  it('dist/server.js answers initialize cold (no cache) and warm (cached)', async () => {
    const cacheDir = path.join(makeTempDir('codecache-'), 'cache');
    for (const run of ['cold', 'warm']) {
      const codexHome = makeTempDir('codecache-');
      const server = AppServerProcess.spawn('ours', { codexHome, env: { CODEX_VSCODE_CODE_CACHE_DIR: cacheDir } });
      try {
        const result = await server.initialize();
        assert.equal(result.codexHome, codexHome, run);
        assert.match(result.userAgent, /^codex-vscode-server\//, run);
        assert.deepEqual(server.violations, [], run);
      } finally {
        await server.stop();
      }
      assert.equal(fs.readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache')).length, 1, `${run}: one cache for the bundle`);
    }
  });
});
