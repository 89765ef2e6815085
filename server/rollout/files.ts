/** File-system helpers of the thread store: reading, finding and moving rollout files. */
import fs from 'node:fs';
import path from 'node:path';
import { log } from '../log';
import { ROLLOUT_SUFFIX } from './format';
import { readRollout, type ParsedRollout } from './reader';

export function safeRead(filePath: string): ParsedRollout | null {
  try {
    const parsed = readRollout(filePath);
    for (const warning of parsed.warnings) log.warn(warning);
    return parsed;
  } catch (error) {
    log.warn(`cannot read rollout ${filePath}:`, error);
    return null;
  }
}

export function statOrNull(filePath: string): fs.Stats | null {
  try {
    return fs.statSync(filePath);
  } catch {
    return null;
  }
}

/** Rollout files under `dir`, descending at most `depth` folder levels. */
export function listRollouts(dir: string, depth: number): string[] {
  const out: string[] = [];
  const walk = (current: string, level: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory() && level < depth) walk(full, level + 1);
      else if (entry.isFile() && entry.name.endsWith(ROLLOUT_SUFFIX)) out.push(full);
    }
  };
  walk(dir, 1);
  return out;
}

export function moveFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (fs.existsSync(to)) throw new Error(`cannot move rollout: ${to} already exists`);
  try {
    fs.renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    fs.copyFileSync(from, to);
    fs.unlinkSync(from);
  }
}
