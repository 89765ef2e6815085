/**
 * Lists the files and directories under a search root, as the reference's
 * walker does: hidden entries included, symlinks not followed, and, inside a
 * git work tree only, `.gitignore` files (from the repository root down),
 * `.git/info/exclude` and `.ignore` files respected.
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface Entry {
  /** Relative to the root, '/'-separated. */
  path: string;
  isDirectory: boolean;
}

/** A rule set and the directory (relative to the root, '' for the root) its patterns are relative to. */
interface Rules {
  base: string;
  matcher: Ignore;
}

/** The enclosing git work tree's top directory, if the root is inside one. */
function gitTop(root: string): string | null {
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

function readRules(file: string): Ignore | null {
  try {
    return ignore().add(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Whether `relative` (to the root) is ignored by any rule set in scope. Later (deeper) sets are checked last, as they take precedence. */
function ignoredBy(rules: Rules[], relative: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const { base, matcher } of rules) {
    if (base && !relative.startsWith(base + '/')) continue;
    const inner = base ? relative.slice(base.length + 1) : relative;
    if (!inner) continue;
    const result = matcher.test(isDirectory ? inner + '/' : inner);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

export function walkRoot(root: string, limit = 2_000_000): Entry[] {
  const entries: Entry[] = [];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    return entries;
  }
  if (!stat.isDirectory()) return entries;
  const top = gitTop(root);
  const rules: Rules[] = [];
  if (top) {
    // Rule files above the root apply with their patterns made relative to the root.
    const exclude = readRules(path.join(top, '.git', 'info', 'exclude'));
    const above: string[] = [];
    for (let dir = root; ; dir = path.dirname(dir)) {
      above.unshift(dir);
      if (dir === top) break;
    }
    for (const dir of above.slice(0, -1)) {
      const matcher = readRules(path.join(dir, '.gitignore'));
      if (matcher) rules.push({ base: '', matcher: prefixed(matcher, path.relative(dir, root)) });
    }
    if (exclude) rules.unshift({ base: '', matcher: prefixed(exclude, path.relative(top, root)) });
  }
  const visit = (dir: string, relative: string, inherited: Rules[]) => {
    let scope = inherited;
    const local: Rules[] = [];
    for (const name of top ? ['.gitignore', '.ignore'] : ['.ignore']) {
      const matcher = readRules(path.join(dir, name));
      if (matcher) local.push({ base: relative, matcher });
    }
    if (local.length) scope = [...inherited, ...local];
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const dirent of dirents) {
      if (entries.length >= limit) return;
      const childRelative = relative ? `${relative}/${dirent.name}` : dirent.name;
      const isDirectory = dirent.isDirectory();
      if (scope.length && ignoredBy(scope, childRelative, isDirectory)) continue;
      entries.push({ path: childRelative, isDirectory });
      if (isDirectory) visit(path.join(dir, dirent.name), childRelative, scope);
    }
  };
  visit(root, '', rules);
  return entries;
}

/**
 * Rules written in an ancestor directory, seen from the root below it: a
 * path is tested with the root's offset prepended.
 */
function prefixed(matcher: Ignore, offset: string): Ignore {
  if (!offset) return matcher;
  const prefix = offset.split(path.sep).join('/') + '/';
  return { test: (p: string) => matcher.test(prefix + p) } as unknown as Ignore;
}
