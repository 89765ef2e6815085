/**
 * Reconstructs what files looked like before a turn. From a live
 * `turn/diff/updated`, the baseline is the current content with the file's
 * patch applied in reverse; after a server restart, it is rebuilt from the
 * turn's `fileChange` items (`thread/read`) walked backwards from the disk.
 * Pure: file contents come in through a reader function.
 */
import { applyPatch, parsePatch, reversePatch, type StructuredPatch } from 'diff';
import type { FilePatch } from './turnDiff';
import type { FileUpdateChange } from '../../../protocol';
import { countOf } from '../../../shared/plural';

export class BaselineError extends Error {}

/**
 * Undoes a patch on a text. When the whole patch no longer applies (the user
 * already put some hunks back, or edited around them), each hunk is undone on
 * its own, last first, and the ones whose lines are gone are skipped: there is
 * nothing of the agent's left to review there.
 */
function revertPatch(text: string, patch: StructuredPatch): { text: string; skippedHunks: number } {
  const reversed = reversePatch(patch);
  const whole = applyPatch(text, reversed);
  if (whole !== false) return { text: whole, skippedHunks: 0 };
  let current = text;
  let skippedHunks = 0;
  for (const hunk of [...reversed.hunks].reverse()) {
    const next = applyPatch(current, { ...reversed, hunks: [hunk] });
    if (next === false) skippedHunks++;
    else current = next;
  }
  return { text: current, skippedHunks };
}

/** Content before the patch, or undefined when the file did not exist. */
export function reconstructBaseline(file: FilePatch, currentText: string | undefined): string | undefined {
  if (file.kind === 'added') return undefined;
  if (file.kind === 'deleted') {
    const restored = applyPatch('', reversePatch(file.patch));
    if (restored === false) throw new BaselineError(`cannot rebuild deleted file ${file.oldPath}`);
    return restored;
  }
  if (currentText === undefined) throw new BaselineError(`${file.newPath} is missing on disk`);
  if (file.patch.hunks.length === 0) return currentText; // pure rename or binary
  const restored = revertPatch(currentText, file.patch);
  if (restored.skippedHunks === file.patch.hunks.length) throw new BaselineError(`${file.newPath} no longer matches the turn's diff`);
  return restored.text;
}

/** Content after the patch (the agent's text), or undefined for a deleted file. */
export function applyFilePatch(file: FilePatch, baseline: string | undefined): string | undefined {
  if (file.kind === 'deleted') return undefined;
  if (file.patch.hunks.length === 0) return baseline ?? '';
  const result = applyPatch(baseline ?? '', file.patch);
  if (result === false) throw new BaselineError(`the turn's diff does not apply to the baseline of ${file.newPath}`);
  return result;
}


/** A file a turn touched, with its content before the turn and the content the agent left. */
export interface TurnFileState {
  kind: 'added' | 'deleted' | 'modified' | 'renamed';
  /** Absolute path before the turn (undefined for added files). */
  oldPath: string | undefined;
  /** Absolute path after the turn (undefined for deleted files). */
  newPath: string | undefined;
  baseline: string | undefined;
  agentText: string | undefined;
}

const MOVED_SUFFIX = /\n*Moved to: [^\n]*\n?$/;

/** Hunks of an `update` change (the item's diff is hunks only, possibly followed by a "Moved to:" note). */
export function parseUpdateHunks(diffText: string): StructuredPatch {
  const body = diffText.replace(MOVED_SUFFIX, '\n');
  const trimmed = body.replace(/\n+$/, '\n');
  const [patch] = parsePatch(trimmed);
  return patch ?? { oldFileName: '', newFileName: '', oldHeader: '', newHeader: '', hunks: [] };
}

/**
 * Rebuilds the turn's files from its `fileChange` changes (in the order they
 * were applied) and the current disk: each change is undone, newest first.
 */
export function reconstructFromFileChanges(
  changes: FileUpdateChange[],
  readText: (absPath: string) => string | undefined,
  errors: string[] = [],
): TurnFileState[] {
  const ABSENT = undefined;
  const state = new Map<string, string | undefined>();
  const read = (p: string) => (state.has(p) ? state.get(p) : readText(p));
  // Where each final path came from (renames), and which paths the turn touched.
  const origin = new Map<string, string>();
  const touched: string[] = [];
  const touch = (p: string) => {
    if (!touched.includes(p)) touched.push(p);
  };
  for (const change of [...changes].reverse()) {
    const target = change.path;
    if (change.kind.type === 'add') {
      touch(target);
      state.set(target, ABSENT);
    } else if (change.kind.type === 'delete') {
      touch(target);
      state.set(target, change.diff);
    } else {
      const moveTo = change.kind.move_path ?? undefined;
      const after = read(moveTo ?? target);
      if (after === undefined) {
        errors.push(`${moveTo ?? target} is missing on disk`);
        continue;
      }
      let before = after;
      try {
        const patch = parseUpdateHunks(change.diff);
        const reverted = revertPatch(after, patch);
        before = reverted.text;
        if (reverted.skippedHunks) errors.push(`${moveTo ?? target}: ${countOf(reverted.skippedHunks, 'change')} no longer in the file, skipped`);
      } catch (error) {
        errors.push(`${moveTo ?? target}: unreadable change (${(error as Error).message})`);
      }
      touch(target);
      if (moveTo && moveTo !== target) {
        touch(moveTo);
        state.set(moveTo, ABSENT);
        origin.set(moveTo, origin.get(target) ?? target);
      }
      state.set(target, before);
    }
  }
  // Follow chains of moves (a → b → c) back to the path before the turn.
  const rootOf = (p: string): string => {
    let from = origin.get(p)!;
    const seen = new Set([p]);
    while (origin.has(from) && !seen.has(from)) {
      seen.add(from);
      from = origin.get(from)!;
    }
    return from;
  };
  const renames = new Map<string, string>();
  for (const to of origin.keys()) {
    if (readText(to) === undefined) continue; // moved on or deleted later in the turn
    const from = rootOf(to);
    if (readText(from) !== undefined) continue; // the source was re-created: two separate files
    renames.set(to, from);
  }
  const renameSources = new Set(renames.values());
  const files: TurnFileState[] = [];
  for (const p of touched) {
    if (renameSources.has(p)) continue;
    const current = readText(p);
    const from = renames.get(p);
    if (from) {
      files.push({ kind: 'renamed', oldPath: from, newPath: p, baseline: state.get(from), agentText: current });
      continue;
    }
    const baseline = state.get(p);
    if (baseline === undefined && current === undefined) continue; // created and removed within the turn
    if (baseline === current) continue; // changed and changed back
    const kind = baseline === undefined ? 'added' : current === undefined ? 'deleted' : 'modified';
    files.push({ kind, oldPath: kind === 'added' ? undefined : p, newPath: kind === 'deleted' ? undefined : p, baseline, agentText: current });
  }
  return files;
}
