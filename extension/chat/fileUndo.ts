/**
 * Undoing the file changes of reverted turns from their recorded `fileChange`
 * items, newest first. Strict: every change must still be exactly in place
 * (an added file unchanged, a deleted file still absent, an update's hunks
 * still there), else the file is reported as changed since and nothing is
 * written. Pure planning; `applyFileUndo` writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyPatch, reversePatch } from 'diff';
import type { FileUpdateChange } from '../../protocol';
import { parseUpdateHunks } from '../diff/core/baseline';

export interface FileUndoPlan {
  /** Final content per absolute path (undefined: the file is removed). */
  writes: Map<string, string | undefined>;
  /** Files changed since the turn (a plain sentence each). */
  conflicts: string[];
}

function readTextOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function planFileUndo(changes: FileUpdateChange[], root: string, read: (file: string) => string | undefined = readTextOrUndefined): FileUndoPlan {
  const writes = new Map<string, string | undefined>();
  const conflicts: string[] = [];
  const current = (file: string) => (writes.has(file) ? writes.get(file) : read(file));
  const inside = (file: string) => {
    const relative = path.relative(root, file);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  };
  for (const change of [...changes].reverse()) {
    const file = path.resolve(root, change.path);
    const moveTo = change.kind.type === 'update' && change.kind.move_path ? path.resolve(root, change.kind.move_path) : undefined;
    const shown = path.relative(root, file);
    // Never write outside the thread's folder, whatever a rollout says.
    if (!inside(file) || (moveTo && !inside(moveTo))) {
      conflicts.push(`${change.path} is outside ${root}`);
      continue;
    }
    if (change.kind.type === 'add') {
      if (current(file) !== change.diff) conflicts.push(`${shown} was edited after the turn created it`);
      else writes.set(file, undefined);
    } else if (change.kind.type === 'delete') {
      if (current(file) !== undefined) conflicts.push(`${shown} exists again after the turn deleted it`);
      else writes.set(file, change.diff);
    } else {
      const after = current(moveTo ?? file);
      const patch = parseUpdateHunks(change.diff);
      const before = after === undefined ? false : patch.hunks.length ? applyPatch(after, reversePatch(patch)) : after;
      if (before === false) {
        conflicts.push(`${path.relative(root, moveTo ?? file)} changed after the turn edited it`);
        continue;
      }
      if (moveTo) writes.set(moveTo, undefined);
      writes.set(file, before);
    }
  }
  return { writes, conflicts };
}

/** Writes a plan (only when it has no conflicts). */
export function applyFileUndo(plan: FileUndoPlan): void {
  if (plan.conflicts.length) throw new Error(`not undoing file changes: ${plan.conflicts.join('; ')}`);
  for (const [file, content] of plan.writes) {
    if (content === undefined) fs.rmSync(file, { force: true });
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  }
}
