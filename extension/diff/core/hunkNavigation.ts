/**
 * Next/previous-hunk navigation across every file under review, like VS
 * Code's own "Go to Next Change": within the file first, then on to the next
 * file's first hunk (or the previous file's last), wrapping around at the
 * ends. Pure: files are given as their hunks' first lines (0-based, live text).
 */
export interface HunkLocation {
  key: string;
  line: number;
}

export interface FileHunkLines {
  key: string;
  /** Each hunk's first line in the live text, ascending. */
  lines: number[];
}

/** The first hunk of the first file that has one ("Review changes"). */
export function firstHunk(files: readonly FileHunkLines[]): HunkLocation | undefined {
  const file = files.find((f) => f.lines.length > 0);
  return file && { key: file.key, line: file.lines[0] };
}

/** The hunk after (direction 1) or before (-1) the cursor; undefined when no file has a hunk. */
export function adjacentHunk(files: readonly FileHunkLines[], cursor: HunkLocation | undefined, direction: 1 | -1): HunkLocation | undefined {
  const withHunks = files.filter((f) => f.lines.length > 0);
  if (withHunks.length === 0) return undefined;
  const index = cursor ? withHunks.findIndex((f) => f.key === cursor.key) : -1;
  if (index >= 0 && cursor) {
    const lines = withHunks[index].lines;
    const inFile = direction === 1 ? lines.find((line) => line > cursor.line) : [...lines].reverse().find((line) => line < cursor.line);
    if (inFile !== undefined) return { key: cursor.key, line: inFile };
  }
  // On to the neighbouring file (from outside the review: the first or the last hunk).
  const count = withHunks.length;
  const next = index < 0 ? (direction === 1 ? 0 : count - 1) : (index + direction + count) % count;
  const file = withHunks[next];
  return { key: file.key, line: direction === 1 ? file.lines[0] : file.lines[file.lines.length - 1] };
}
