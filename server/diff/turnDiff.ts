/**
 * The turn's aggregated diff: before a file is first changed in a turn its
 * content is remembered; the diff compares those baselines with what is on
 * disk now, in git's unified format, whether or not the folder is a git
 * repository. Paths are relative to the repository root (or the cwd); only a
 * real repository counts, never an empty placeholder `.git` (see shared/gitRoot).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { structuredPatch } from 'diff';
import { findGitRoot } from '../../shared/gitRoot';

const ZERO_SHA = '0'.repeat(40);

export class TurnDiffTracker {
  /** Absolute path → content before the turn touched it (null: did not exist). */
  private readonly baselines = new Map<string, string | null>();
  private readonly root: string;

  constructor(cwd: string) {
    this.root = findGitRoot(cwd) ?? path.resolve(cwd);
  }

  /** Call before writing `file`; only the first call per file records a baseline. */
  remember(file: string): void {
    const absolute = path.resolve(this.root, file);
    if (this.baselines.has(absolute)) return;
    this.baselines.set(absolute, readOrNull(absolute));
  }

  get hasChanges(): boolean {
    return this.baselines.size > 0;
  }

  /** The unified diff of every remembered file against its baseline ('' when nothing differs). */
  diff(): string {
    const parts: string[] = [];
    for (const file of [...this.baselines.keys()].sort()) {
      const before = this.baselines.get(file) ?? null;
      const after = readOrNull(file);
      if (before === after) continue;
      parts.push(fileDiff(path.relative(this.root, file).split(path.sep).join('/'), before, after));
    }
    return parts.join('');
  }
}

function fileDiff(rel: string, before: string | null, after: string | null): string {
  const lines = [`diff --git a/${rel} b/${rel}`];
  if (before === null) lines.push('new file mode 100644');
  if (after === null) lines.push('deleted file mode 100644');
  lines.push(`index ${before === null ? ZERO_SHA : blobSha(before)}..${after === null ? ZERO_SHA : blobSha(after)}`);
  lines.push(before === null ? '--- /dev/null' : `--- a/${rel}`);
  lines.push(after === null ? '+++ /dev/null' : `+++ b/${rel}`);
  const patch = structuredPatch(rel, rel, before ?? '', after ?? '', '', '', { context: 3 });
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`);
    lines.push(...hunk.lines);
  }
  return lines.join('\n') + '\n';
}

/** git's hunk range: "start" for one line, "start,count" otherwise; empty ranges point before the first line. */
function range(start: number, count: number): string {
  if (count === 0) return `${Math.max(0, start - 1)},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** The git blob id of a text (what `git hash-object` prints). */
export function blobSha(text: string): string {
  const body = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
