/**
 * Mount points for protected names that do not exist yet. A read-only bind
 * needs something to mount on, and Linux can only mount on an existing
 * entry, so for a missing `.codex` (say) we create an empty folder just
 * before the sandbox starts and bind it read-only: inside the sandbox it
 * cannot be written, removed or replaced. When the last sandbox using it
 * ends, the empty folder is removed again, so nothing stays behind.
 *
 * Several sandboxes (in this server or another one) may share a placeholder:
 * each holds a marker file `<hash>-<pid>` in a registry under the temp dir,
 * and the folder goes only when no live process holds a marker. A server
 * killed mid-command leaves markers with a dead pid; the next sandbox built
 * removes those placeholders (if still empty).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Placeholders this process holds, with how many running sandboxes use each. */
const held = new Map<string, number>();

const registryDir = (): string => path.join(os.tmpdir(), 'codex-vscode-sandbox-placeholders');
const keyOf = (placeholder: string): string => createHash('sha256').update(placeholder).digest('hex').slice(0, 24);
const markerOf = (placeholder: string, pid = process.pid): string => path.join(registryDir(), `${keyOf(placeholder)}-${pid}`);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Markers of other live processes for this placeholder (dead ones are dropped on the way). */
function otherLiveHolders(placeholder: string): number {
  const prefix = `${keyOf(placeholder)}-`;
  let count = 0;
  for (const name of safeReaddir(registryDir())) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid) continue;
    if (pidAlive(pid)) count++;
    else fs.rmSync(path.join(registryDir(), name), { force: true });
  }
  return count;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Removes the folder if it is still an empty placeholder (the user may have filled it meanwhile: then it is theirs). */
function removeIfEmpty(placeholder: string): void {
  try {
    if (fs.lstatSync(placeholder).isDirectory()) fs.rmdirSync(placeholder);
  } catch {
    /* not empty, already gone or not ours to remove */
  }
}

/** Crash recovery, before each sandbox is planned: placeholders whose holders all died are removed. */
export function sweepStalePlaceholders(): void {
  const byKey = new Map<string, { live: boolean; files: string[] }>();
  for (const name of safeReaddir(registryDir())) {
    const dash = name.lastIndexOf('-');
    const key = name.slice(0, dash);
    const entry = byKey.get(key) ?? { live: false, files: [] };
    entry.files.push(name);
    if (pidAlive(Number(name.slice(dash + 1)))) entry.live = true;
    byKey.set(key, entry);
  }
  for (const entry of byKey.values()) {
    if (entry.live) continue;
    for (const name of entry.files) {
      const file = path.join(registryDir(), name);
      try {
        const placeholder = fs.readFileSync(file, 'utf8');
        if (placeholder) removeIfEmpty(placeholder);
      } catch {
        /* unreadable marker: just drop it */
      }
      fs.rmSync(file, { force: true });
    }
  }
  removeRegistryIfEmpty();
}

function writeMarker(placeholder: string): void {
  for (let attempt = 0; ; attempt++) {
    fs.mkdirSync(registryDir(), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(markerOf(placeholder), placeholder);
      return;
    } catch (error) {
      // Another server may have removed the empty registry between our mkdir and our write.
      if (attempt > 0 || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** The registry folder goes too once no marker is left, so nothing stays in the temp dir. */
function removeRegistryIfEmpty(): void {
  try {
    fs.rmdirSync(registryDir());
  } catch {
    /* still in use, or already gone */
  }
}

/**
 * Makes sure every path in `missing` exists as a mount point (an empty
 * folder), joining placeholders other sandboxes already made. Returns the
 * release function to call once the sandbox has ended.
 */
export function acquirePlaceholders(missing: string[]): () => void {
  const acquired: string[] = [];
  for (const placeholder of missing) {
    const count = held.get(placeholder);
    if (count !== undefined) {
      held.set(placeholder, count + 1);
      acquired.push(placeholder);
      continue;
    }
    let ours = false;
    try {
      // Marker first, so another server never removes the folder between our mkdir and our mount.
      // Without a registry the folder is still made: protection matters more than tidying up.
      try {
        writeMarker(placeholder);
      } catch {
        /* no registry: cleanup then relies on this process alone */
      }
      fs.mkdirSync(placeholder);
      ours = true;
    } catch (error) {
      // Another sandbox's placeholder: join it (its marker says so). Anything else that exists is real and simply bound read-only.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && otherLiveHolders(placeholder) > 0) ours = true;
    }
    if (ours) {
      held.set(placeholder, 1);
      acquired.push(placeholder);
    } else {
      fs.rmSync(markerOf(placeholder), { force: true });
      removeRegistryIfEmpty();
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const placeholder of acquired) releaseOne(placeholder);
  };
}

function releaseOne(placeholder: string): void {
  const count = (held.get(placeholder) ?? 1) - 1;
  if (count > 0) {
    held.set(placeholder, count);
    return;
  }
  held.delete(placeholder);
  fs.rmSync(markerOf(placeholder), { force: true });
  if (otherLiveHolders(placeholder) === 0) removeIfEmpty(placeholder);
  removeRegistryIfEmpty();
}

/** Whether an existing entry is a placeholder some running sandbox (here or in another server) holds. */
export function isHeldPlaceholder(entry: string): boolean {
  return held.has(entry) || otherLiveHolders(entry) > 0;
}

/** For tests: how many placeholders this process holds right now. */
export function heldPlaceholderCount(): number {
  return held.size;
}
