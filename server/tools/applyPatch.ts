/**
 * The Codex patch format:
 *
 *   *** Begin Patch
 *   *** Add File: path        (+lines)
 *   *** Delete File: path
 *   *** Update File: path
 *   *** Move to: new/path     (optional)
 *   @@ optional context line
 *    context / -removed / +added lines
 *   *** End of File           (optional: the hunk is anchored at the end)
 *   *** End Patch
 *
 * parsePatch() validates the text, planPatch() reads the files and computes
 * the new contents (nothing is written), applyPlan() writes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { structuredPatch } from 'diff';

export class PatchError extends Error {}

interface Chunk {
  /** `@@ text` anchors; the chunk starts after the last of them. */
  anchors: string[];
  oldLines: string[];
  newLines: string[];
  endOfFile: boolean;
}

type PatchHunk =
  | { kind: 'add'; path: string; contents: string }
  | { kind: 'delete'; path: string }
  | { kind: 'update'; path: string; movePath: string | null; chunks: Chunk[] };

export function parsePatch(text: string): PatchHunk[] {
  const lines = text.trim().split(/\r?\n/);
  if (lines[0]?.trim() !== '*** Begin Patch') throw new PatchError("The first line of the patch must be '*** Begin Patch'");
  if (lines[lines.length - 1]?.trim() !== '*** End Patch') throw new PatchError("The last line of the patch must be '*** End Patch'");
  const hunks: PatchHunk[] = [];
  let i = 1;
  const end = lines.length - 1;
  while (i < end) {
    const header = lines[i].trim();
    if (header.startsWith('*** Add File: ')) {
      const file = header.slice('*** Add File: '.length).trim();
      const added: string[] = [];
      i++;
      while (i < end && lines[i].startsWith('+')) added.push(lines[i++].slice(1));
      hunks.push({ kind: 'add', path: file, contents: added.length ? added.join('\n') + '\n' : '' });
    } else if (header.startsWith('*** Delete File: ')) {
      hunks.push({ kind: 'delete', path: header.slice('*** Delete File: '.length).trim() });
      i++;
    } else if (header.startsWith('*** Update File: ')) {
      const file = header.slice('*** Update File: '.length).trim();
      i++;
      let movePath: string | null = null;
      if (i < end && lines[i].trim().startsWith('*** Move to: ')) movePath = lines[i++].trim().slice('*** Move to: '.length).trim();
      const chunks: Chunk[] = [];
      let current: Chunk | null = null;
      while (i < end && !lines[i].startsWith('*** ') ) {
        const line = lines[i];
        if (line.startsWith('@@')) {
          const anchor = line.slice(2).trim();
          if (!current || current.oldLines.length || current.newLines.length) {
            current = { anchors: [], oldLines: [], newLines: [], endOfFile: false };
            chunks.push(current);
          }
          if (anchor) current.anchors.push(anchor);
        } else {
          if (!current) {
            current = { anchors: [], oldLines: [], newLines: [], endOfFile: false };
            chunks.push(current);
          }
          const marker = line[0];
          const body = line.slice(1);
          if (marker === ' ' || line === '') {
            current.oldLines.push(body);
            current.newLines.push(body);
          } else if (marker === '-') current.oldLines.push(body);
          else if (marker === '+') current.newLines.push(body);
          else throw new PatchError(`Invalid line in the update hunk for ${file} (line ${i + 1}): ${JSON.stringify(line)}. Lines must start with ' ', '+' or '-'.`);
        }
        i++;
      }
      if (i < end && lines[i].trim() === '*** End of File') {
        if (current) current.endOfFile = true;
        i++;
      }
      if (!chunks.length && !movePath) throw new PatchError(`Update hunk for ${file} is empty`);
      hunks.push({ kind: 'update', path: file, movePath, chunks });
    } else if (header === '') {
      i++;
    } else {
      throw new PatchError(`'${header}' is not a valid hunk header. Valid headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'`);
    }
  }
  if (!hunks.length) throw new PatchError('The patch contains no file operations');
  return hunks;
}

/** One file's effect, with absolute paths and contents before and after. */
export interface PlannedChange {
  kind: 'add' | 'delete' | 'update';
  path: string;
  movePath: string | null;
  oldContent: string | null;
  newContent: string | null;
  /** Unified diff for the item (`add` carries the new contents, like the reference). */
  diff: string;
}

export function planPatch(hunks: PatchHunk[], cwd: string): PlannedChange[] {
  const resolve = (p: string) => path.resolve(cwd, p);
  return hunks.map((hunk) => {
    const file = resolve(hunk.path);
    if (hunk.kind === 'add') {
      return { kind: 'add', path: file, movePath: null, oldContent: null, newContent: hunk.contents, diff: hunk.contents };
    }
    const oldContent = readExisting(file, hunk.kind);
    if (hunk.kind === 'delete') return { kind: 'delete', path: file, movePath: null, oldContent, newContent: null, diff: oldContent };
    const newContent = applyChunks(oldContent, hunk.chunks, hunk.path);
    const movePath = hunk.movePath ? resolve(hunk.movePath) : null;
    return { kind: 'update', path: file, movePath, oldContent, newContent, diff: hunksOnly(oldContent, newContent) };
  });
}

/** The unified diff's hunks without file headers, as the reference puts in fileChange items. */
function hunksOnly(before: string, after: string): string {
  const lines: string[] = [];
  for (const hunk of structuredPatch('a', 'b', before, after, '', '', { context: 3 }).hunks) {
    const range = (start: number, count: number) => (count === 0 ? `${Math.max(0, start - 1)},0` : count === 1 ? `${start}` : `${start},${count}`);
    lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function readExisting(file: string, action: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new PatchError(`Failed to read file to ${action}: ${file}`);
  }
}

/** Applies update chunks to a file's text; context must match (exactly, then ignoring trailing/all whitespace). */
function applyChunks(original: string, chunks: Chunk[], displayPath: string): string {
  const lines = original.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const replacements: { start: number; removeCount: number; insert: string[] }[] = [];
  let cursor = 0;
  for (const chunk of chunks) {
    for (const anchor of chunk.anchors) {
      const at = seek(lines, [anchor], cursor, false);
      if (at < 0) throw new PatchError(`Failed to find context '${anchor}' in ${displayPath}`);
      cursor = at + 1;
    }
    if (!chunk.oldLines.length) {
      // Pure insertion: at the end of the file (or after the anchor when there is one).
      const start = chunk.anchors.length && !chunk.endOfFile ? cursor : lines.length;
      replacements.push({ start, removeCount: 0, insert: chunk.newLines });
      continue;
    }
    let oldLines = chunk.oldLines;
    let newLines = chunk.newLines;
    let at = seek(lines, oldLines, cursor, chunk.endOfFile);
    if (at < 0 && oldLines[oldLines.length - 1] === '') {
      // A trailing empty context line often stands for the final newline.
      oldLines = oldLines.slice(0, -1);
      if (newLines[newLines.length - 1] === '') newLines = newLines.slice(0, -1);
      at = seek(lines, oldLines, cursor, chunk.endOfFile);
    }
    if (at < 0) throw new PatchError(`Failed to find expected lines in ${displayPath}:\n${chunk.oldLines.join('\n')}`);
    replacements.push({ start: at, removeCount: oldLines.length, insert: newLines });
    cursor = at + oldLines.length;
  }
  for (const r of [...replacements].sort((a, b) => b.start - a.start)) lines.splice(r.start, r.removeCount, ...r.insert);
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Finds `pattern` in `lines` from `start`; tries exact, then trimEnd, then trim. */
function seek(lines: string[], pattern: string[], start: number, endOfFile: boolean): number {
  const normalizers = [(s: string) => s, (s: string) => s.trimEnd(), (s: string) => s.trim()];
  for (const norm of normalizers) {
    const wanted = pattern.map(norm);
    const from = endOfFile ? Math.max(start, lines.length - pattern.length) : start;
    for (let i = from; i + pattern.length <= lines.length; i++) {
      if (wanted.every((line, j) => norm(lines[i + j]) === line)) return i;
    }
  }
  return -1;
}

/** Writes planned changes; parents are created as needed. */
export function applyPlan(changes: PlannedChange[]): void {
  for (const change of changes) {
    if (change.kind === 'delete') {
      fs.rmSync(change.path, { force: true });
      continue;
    }
    const target = change.movePath ?? change.path;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, change.newContent ?? '');
    if (change.movePath && change.movePath !== change.path) fs.rmSync(change.path, { force: true });
  }
}

/** The model-facing summary: "Success. Updated the following files:\nA a.txt\nM b.txt\n". */
export function summarizeChanges(changes: PlannedChange[], cwd: string): string {
  const rel = (p: string) => path.relative(cwd, p) || p;
  const lines = changes.map((c) => `${c.kind === 'add' ? 'A' : c.kind === 'delete' ? 'D' : 'M'} ${rel(c.movePath ?? c.path)}`);
  return `Success. Updated the following files:\n${lines.join('\n')}\n`;
}

/**
 * Recognizes `apply_patch <<'EOF' … EOF` (also `applypatch`, optionally after
 * `cd dir &&`) in a shell command and returns the patch text and the
 * directory it applies in, so it never reaches a shell.
 */
export function extractHeredocPatch(cmd: string): { patch: string; cd: string | null } | null {
  const match = /^\s*(?:cd\s+("[^"]+"|'[^']+'|\S+)\s*&&\s*)?(?:apply_patch|applypatch)\s+<<\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2[^\n]*\n([\s\S]*?)\n\3\s*$/.exec(cmd);
  if (match) {
    const cd = match[1] ? match[1].replace(/^['"]|['"]$/g, '') : null;
    return { patch: match[4], cd };
  }
  const direct = /^\s*(?:apply_patch|applypatch)\s+(['"])(\*\*\* Begin Patch[\s\S]*\*\*\* End Patch\s*)\1\s*$/.exec(cmd);
  return direct ? { patch: direct[2], cd: null } : null;
}
