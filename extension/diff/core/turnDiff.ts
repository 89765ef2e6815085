/**
 * Parses the aggregated unified diff of a turn (`turn/diff/updated.diff`):
 * git-style sections, one per file, with `/dev/null` for added and deleted
 * files and distinct old/new names for renames. Pure: no VS Code, no I/O.
 */
import { parsePatch, type StructuredPatch } from 'diff';

type FileChangeKind = 'added' | 'deleted' | 'modified' | 'renamed';

export interface FilePatch {
  kind: FileChangeKind;
  /** Path before the turn, relative to the diff's root; undefined for added files. */
  oldPath: string | undefined;
  /** Path after the turn, relative to the diff's root; undefined for deleted files. */
  newPath: string | undefined;
  /** The structured patch (hunks) of this file; empty hunks for pure renames and binaries. */
  patch: StructuredPatch;
  /** Git reported "Binary files differ": no line hunks to review. */
  binary: boolean;
}

const DEV_NULL = '/dev/null';

/** Strips git's `a/` / `b/` prefix and surrounding quotes from a diff header name. */
function stripDiffPrefix(name: string | undefined, isGit: boolean): string | undefined {
  if (name === undefined) return undefined;
  let value = name.trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
  if (value === DEV_NULL || value === '') return undefined;
  if (isGit && (value.startsWith('a/') || value.startsWith('b/'))) value = value.slice(2);
  return value;
}

/** Splits the whole-turn diff into one `FilePatch` per file. Throws on a diff `parsePatch` rejects. */
export function parseTurnDiff(diffText: string): FilePatch[] {
  if (!diffText.trim()) return [];
  const patches = parsePatch(diffText);
  const binarySections = findBinarySections(diffText);
  const files: FilePatch[] = [];
  for (const patch of patches) {
    const isGit = Boolean(patch.isGit) || /^a\//.test(patch.oldFileName ?? '') || /^b\//.test(patch.newFileName ?? '');
    const oldPath = patch.isCreate ? undefined : stripDiffPrefix(patch.oldFileName, isGit);
    const newPath = patch.isDelete ? undefined : stripDiffPrefix(patch.newFileName, isGit);
    if (oldPath === undefined && newPath === undefined) continue;
    let kind: FileChangeKind;
    if (oldPath === undefined) kind = 'added';
    else if (newPath === undefined) kind = 'deleted';
    else if (oldPath !== newPath) kind = 'renamed';
    else kind = 'modified';
    const binary = patch.hunks.length === 0 && binarySections.has(newPath ?? oldPath ?? '');
    files.push({ kind, oldPath, newPath, patch, binary });
  }
  return files;
}

/** Paths (new side, or old side for deletions) whose section says "Binary files … differ". */
function findBinarySections(diffText: string): Set<string> {
  const binaries = new Set<string>();
  const sections = diffText.split(/^(?=diff --git )/m);
  for (const section of sections) {
    const header = /^diff --git (\S+) (\S+)/.exec(section);
    if (!header || !/^Binary files .* differ$/m.test(section)) continue;
    const b = stripDiffPrefix(header[2], true);
    const a = stripDiffPrefix(header[1], true);
    if (/^deleted file mode/m.test(section)) {
      if (a) binaries.add(a);
    } else if (b) binaries.add(b);
  }
  return binaries;
}

/** Counts of added and removed lines in a structured patch. */
export function patchLineCounts(patch: StructuredPatch): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
    }
  }
  return { added, removed };
}
