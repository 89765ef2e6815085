/**
 * Where the paths of a turn diff are relative to. Codex renders them relative
 * to the git repository root when the thread's cwd is inside one, else to the
 * cwd; a path that only exists under the other root is taken from there.
 * The git root comes from the helper the server uses too, so an empty
 * placeholder `.git` above the workspace is no repository on either side.
 * The reference server still takes any `.git` entry for a root; its paths,
 * relative to such a placeholder's folder, are accepted when they land
 * inside our roots (never outside them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { findGitRoot, nearestDotGitEntry } from '../../../shared/gitRoot';

export { findGitRoot };

/** A resolver from diff paths to absolute paths for a thread running in `cwd`. */
export function diffPathResolver(cwd: string): (diffPath: string) => string {
  const gitRoot = findGitRoot(cwd);
  const roots = gitRoot && gitRoot !== cwd ? [gitRoot, cwd] : [cwd];
  const naive = nearestDotGitEntry(cwd);
  const placeholderRoot = naive && naive !== gitRoot ? naive : undefined;
  return (diffPath: string) => {
    if (path.isAbsolute(diffPath)) {
      const normalized = path.normalize(diffPath);
      if (!roots.some((root) => isInside(root, normalized))) throw new Error(`${diffPath} is outside ${roots[0]}`);
      return normalized;
    }
    if (!roots.some((root) => isInside(root, path.join(root, diffPath)))) throw new Error(`${diffPath} escapes ${roots[0]}`);
    for (const root of roots) {
      const candidate = path.join(root, diffPath);
      if (fs.existsSync(candidate)) return candidate;
    }
    if (placeholderRoot) {
      // Rooted at a placeholder (the reference's reading): only where that lands inside our roots, and for
      // a path that no longer exists (a deletion) only when our own reading's folder does not exist either.
      const candidate = path.join(placeholderRoot, diffPath);
      const ownReading = path.join(roots[0], diffPath);
      if (roots.some((root) => isInside(root, candidate)) && (fs.existsSync(candidate) || !fs.existsSync(path.dirname(ownReading)))) return candidate;
    }
    return path.join(roots[0], diffPath);
  };
}

/** True when `candidate` is `root` or inside it. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Reads a file as UTF-8 text; undefined when it does not exist or is a directory. */
export function readTextFile(absPath: string): string | undefined {
  try {
    return fs.readFileSync(absPath, 'utf8');
  } catch {
    return undefined;
  }
}
