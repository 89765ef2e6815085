/**
 * Runs a CommonJS bundle with a V8 code cache, so that a cold start does not
 * re-parse and re-compile the whole server bundle every time. (Node ≥ 22 has
 * `module.enableCompileCache()`; VS Code's Node and ours may be older.)
 *
 * The cache lives in the OS temp directory, keyed by the bundle's size and
 * mtime, Node's version and the CPU architecture. V8 checks it again itself:
 * a stale or corrupt cache is rejected and simply rebuilt, never trusted.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** How long after start the cache is written: long enough that the handshake's functions are compiled and land in it. */
const WRITE_DELAY_MS = 2000;

export function codeCacheFile(bundlePath: string, stat: fs.Stats, cacheDir = defaultCacheDir()): string {
  const hash = (text: string) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
  // The bundle's own prefix lets a new build replace its predecessor's cache instead of piling up.
  const bundleKey = hash(path.resolve(bundlePath));
  const versionKey = hash([stat.size, stat.mtimeMs, process.version, process.arch].join('\0'));
  return path.join(cacheDir, `${bundleKey}-${versionKey}.v8cache`);
}

/** Deletes caches of earlier builds of the same bundle. */
function removeStaleCaches(cacheFile: string): void {
  const directory = path.dirname(cacheFile);
  const bundlePrefix = path.basename(cacheFile).split('-')[0] + '-';
  for (const name of fs.readdirSync(directory)) {
    if (name.startsWith(bundlePrefix) && name.endsWith('.v8cache') && name !== path.basename(cacheFile)) {
      fs.rmSync(path.join(directory, name), { force: true });
    }
  }
}

function defaultCacheDir(): string {
  return process.env.CODEX_VSCODE_CODE_CACHE_DIR || path.join(os.tmpdir(), `codex-vscode-code-cache-${process.getuid?.() ?? 'user'}`);
}

interface CodeCacheRun {
  /** Whether V8 accepted an existing cache for this run. */
  cacheUsed: boolean;
  /** The cache file written (or to be written) for this bundle. */
  cacheFile: string;
  /** Writes the cache now (normally done by a timer); resolves false if it could not be written. */
  writeCache: () => boolean;
}

/** Loads and runs `bundlePath` as a CommonJS module, using (and later refreshing) its code cache. */
export function runWithCodeCache(bundlePath: string, options: { cacheDir?: string; writeDelayMs?: number } = {}): CodeCacheRun {
  const filename = path.resolve(bundlePath);
  const source = fs.readFileSync(filename, 'utf8');
  const cacheFile = codeCacheFile(filename, fs.statSync(filename), options.cacheDir);
  let cachedData: Buffer | undefined;
  try {
    // Cached bytecode runs as our code: only read it from a directory nobody else can write to.
    if (isPrivateDirectory(path.dirname(cacheFile))) cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet: compile normally and write one once the server is up.
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename, cachedData });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;

  let writeResult: boolean | undefined;
  const writeCache = (): boolean => (writeResult ??= writeCacheFile());
  const writeCacheFile = (): boolean => {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
      if (!isPrivateDirectory(path.dirname(cacheFile))) return false;
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temporary, cacheFile);
      removeStaleCaches(cacheFile);
      return true;
    } catch {
      // A read-only or full temp directory only costs the next start its speed-up.
      return false;
    }
  };
  if (!cacheUsed) {
    setTimeout(writeCache, options.writeDelayMs ?? WRITE_DELAY_MS).unref();
    // A server that lives less than that (a quick test, a failed start) still leaves a cache behind.
    process.once('exit', writeCache);
  }

  const module = { exports: {} as unknown, filename, id: '.', loaded: false };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename));
  module.loaded = true;
  return { cacheUsed, cacheFile, writeCache };
}

/** A real directory (not a link) owned by us that no other user can write to. */
export function isPrivateDirectory(directory: string): boolean {
  try {
    const stat = fs.lstatSync(directory);
    if (!stat.isDirectory()) return false;
    if (typeof process.getuid !== 'function') return true; // Windows: the temp directory is per user.
    return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}
