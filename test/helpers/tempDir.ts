/**
 * Temp dirs for tests, removed when the test process exits, so repeated runs
 * do not fill /tmp. Set KEEP_TEST_TMP=1 to keep them for a post-mortem.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const created: string[] = [];
let cleanupRegistered = false;

function removeCreated(): void {
  if (process.env.KEEP_TEST_TMP) return;
  for (const dir of created.splice(0)) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* a dir a leftover process still writes to; nothing more to do at exit */
    }
  }
}

/** A fresh directory `<base>/<prefix>XXXXXX` (base: the OS temp dir), deleted at process exit. */
export function makeTempDir(prefix: string, base = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(base, prefix));
  created.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.on('exit', removeCreated);
  }
  return dir;
}

let home: string | undefined;

/**
 * An empty HOME for the servers under test (one per test process), with only
 * a git identity. Commands run as login shells (`bash -lc`), which source
 * ~/.profile: the developer's profile must not leak into tests. On this
 * machine it runs `pyenv rehash`, which takes a global lock file; parallel
 * or killed commands (interrupt tests SIGKILL process groups) then make every
 * later command wait up to 60 s for that lock.
 */
export function testHome(): string {
  if (home) return home;
  home = makeTempDir('codex-test-home-');
  fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Codex Tests\n\temail = codex-tests@example.invalid\n');
  return home;
}

/**
 * Environment for a reference `codex` process: TMPDIR inside the test's own
 * CODEX_HOME. The reference adds TMPDIR to the sandbox's writable roots and
 * creates placeholder `.git`/`.codex` folders in each; they must land in a
 * folder the test removes, never in /tmp (an empty /tmp/.git makes every
 * test folder look like part of one repository).
 */
export function referenceEnv(codexHome: string): { TMPDIR: string } {
  const tmp = path.join(codexHome, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  return { TMPDIR: tmp };
}
