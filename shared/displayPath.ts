/**
 * How a changed file is shown where space is short (file-change cards, the
 * Changes view): its name first, then its folder relative to the workspace
 * folder holding it (absolute when outside every workspace folder); the full
 * path goes in the tooltip. Pure string work, so the webview uses it too.
 */
export interface DisplayPath {
  name: string;
  /** The containing folder, workspace-relative ('' at a workspace root). */
  folder: string;
}

const SEPARATOR = /[\\/]/;

export function displayPath(fullPath: string, workspaceRoots: readonly string[] = []): DisplayPath {
  const parts = fullPath.split(SEPARATOR);
  const name = parts.pop() || fullPath;
  const dir = fullPath.slice(0, Math.max(0, fullPath.length - name.length - 1));
  // The innermost root wins with nested workspace folders.
  const root = [...workspaceRoots]
    .map((r) => r.replace(/[\\/]+$/, ''))
    .filter((r) => r && (dir === r || dir.startsWith(`${r}/`) || dir.startsWith(`${r}\\`)))
    .sort((a, b) => b.length - a.length)[0];
  if (root !== undefined) return { name, folder: dir.slice(root.length + 1) };
  // A relative path (already workspace-relative) keeps its folder as is.
  return { name, folder: dir };
}
