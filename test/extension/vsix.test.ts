/**
 * `npm run package` builds a .vsix that ships the bundles and node-pty's runtime, and nothing
 * of the sources, tests, fixtures or source maps.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sharedVsix } from '../integration/harness/sharedVsix';

interface ZipEntry {
  name: string;
  size: number;
}

/** Lists a zip's entries from its central directory (a .vsix is a zip). */
export function listZip(file: string): ZipEntry[] {
  const data = fs.readFileSync(file);
  const endSignature = 0x06054b50;
  let end = -1;
  // The end-of-central-directory record sits in the last 22 bytes plus an optional comment.
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === endSignature) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${file} is not a zip file`);
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry ${i} in ${file}`);
    const size = data.readUInt32LE(offset + 24);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    entries.push({ name: data.toString('utf8', offset + 46, offset + 46 + nameLength), size });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('npm run package (.vsix)', function () {
  this.timeout(180_000);
  let vsix: string;
  let names: string[];

  before(async () => {
    vsix = await sharedVsix();
    names = listZip(vsix).map((entry) => entry.name);
  });

  it('ships the bundles, the manifest and node-pty with its native addon', () => {
    for (const required of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/dist/server-main.js',
      'extension/dist/image-worker.js',
      'extension/dist/webview.js',
      'extension/dist/webview.css',
      'extension/media/codex.svg',
      'extension/node_modules/node-pty/package.json',
      'extension/node_modules/node-pty/lib/index.js',
      'extension/node_modules/node-pty/lib/unixTerminal.js',
      'extension/node_modules/node-pty/build/Release/pty.node',
    ]) {
      assert.ok(names.includes(required), `${required} is in the .vsix`);
    }
  });

  it('ships no sources, tests, fixtures, source maps or TypeScript', () => {
    const forbidden = names.filter(
      (name) =>
        /\.(ts|map|tsx|mts|cts)$/.test(name) ||
        /(^|\/)(test|tests|__tests__|fixtures?|src|server|webview|scripts|bench)\//.test(name.replace(/^extension\//, '')) ||
        /\.test\.js$/.test(name) ||
        /(^|\/)(tsconfig\.json|esbuild\.mjs|\.mocharc\.json|package-lock\.json|\.vscodeignore|\.gitignore)$/.test(name) ||
        /\.(cc|cpp|h|gyp|gypi)$/.test(name),
    );
    assert.deepEqual(forbidden, [], `unexpected files in the .vsix:\n${forbidden.join('\n')}`);
    // Only the one runtime dependency is bundled as node_modules (node-addon-api only as metadata).
    const packages = new Set(names.filter((n) => n.startsWith('extension/node_modules/')).map((n) => n.split('/')[2]));
    assert.ok([...packages].every((name) => name === 'node-pty' || name === 'node-addon-api'), `node_modules: ${[...packages].join(', ')}`);
  });

  it('stays small, and its manifest is the repository one', () => {
    const size = fs.statSync(vsix).size;
    console.log(`      .vsix: ${(size / 1024).toFixed(1)} KiB, ${names.length} entries`);
    assert.ok(size < 5 * 1024 * 1024, `.vsix is ${size} bytes`);
    assert.ok(names.includes('extension.vsixmanifest'));
  });
});
