/**
 * Where skills live and how they are found, in the reference's order:
 *   project `.codex/skills` (cwd's first, then up to the project root, trusted or not),
 *   `$CODEX_HOME/skills`, `$HOME/.agents/skills`, `$CODEX_HOME/skills/.system` (system),
 *   `<system config dir>/skills` (admin), roots added with `skills/extraRoots/set`,
 *   then `.agents/skills` in each folder from the project root down to the cwd (repo).
 * The first root that yields a SKILL.md path keeps it; results are sorted by scope, then name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemConfigDir, type LayerStack } from '../config/loader';
import type { SkillErrorInfo, SkillScope } from '../../protocol/skills';
import { parseSkillFile, SkillParseError, type ParsedSkill } from './parse';

interface SkillRoot {
  path: string;
  scope: SkillScope;
}

export interface DiscoveredSkill extends ParsedSkill {
  /** Canonical path of the SKILL.md file. */
  path: string;
  scope: SkillScope;
  /** The root it was found under (for the instructions' root aliases). */
  root: string;
}

interface Discovery {
  skills: DiscoveredSkill[];
  errors: SkillErrorInfo[];
  /** Roots in scan order, existing or not (the watcher watches them all). */
  roots: SkillRoot[];
}

const MAX_SCAN_DEPTH = 6;
const MAX_DIRS_PER_ROOT = 2000;

const canonical = (p: string): string => {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
};

export function skillRoots(codexHome: string, stack: LayerStack, extraRoots: readonly string[], env: NodeJS.ProcessEnv = process.env): SkillRoot[] {
  const roots: SkillRoot[] = [];
  const projectLayers = stack.layers.filter((layer) => layer.name.type === 'project').reverse();
  for (const layer of projectLayers) {
    if (layer.name.type === 'project') roots.push({ path: path.join(layer.name.dotCodexFolder, 'skills'), scope: 'repo' });
  }
  const home = env.HOME || os.homedir();
  roots.push({ path: path.join(codexHome, 'skills'), scope: 'user' });
  if (home) roots.push({ path: path.join(home, '.agents', 'skills'), scope: 'user' });
  roots.push({ path: path.join(codexHome, 'skills', '.system'), scope: 'system' });
  roots.push({ path: path.join(systemConfigDir(env), 'skills'), scope: 'admin' });
  for (const extra of extraRoots) roots.push({ path: extra, scope: 'user' });
  for (const dir of foldersFromProjectRoot(stack)) roots.push({ path: path.join(dir, '.agents', 'skills'), scope: 'repo' });
  const seen = new Set<string>();
  return roots.filter((root) => !seen.has(root.path) && seen.add(root.path));
}

/** Folders from the project root (nearest project-root marker, `.git` by default) down to the cwd. */
function foldersFromProjectRoot(stack: LayerStack): string[] {
  const markers = Array.isArray(stack.merged.project_root_markers) ? stack.merged.project_root_markers.filter((m): m is string => typeof m === 'string') : ['.git'];
  let root = stack.cwd;
  if (markers.length) {
    search: for (let dir = stack.cwd; ; dir = path.dirname(dir)) {
      for (const marker of markers) {
        if (fs.existsSync(path.join(dir, marker))) {
          root = dir;
          break search;
        }
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  const dirs: string[] = [];
  for (let dir = stack.cwd; ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (dir === root || path.dirname(dir) === dir) break;
  }
  return dirs;
}

const SCOPE_RANK: Record<SkillScope, number> = { repo: 0, user: 1, system: 2, admin: 3 };

export function discoverSkills(roots: SkillRoot[]): Discovery {
  const skills: DiscoveredSkill[] = [];
  const errors: SkillErrorInfo[] = [];
  const seen = new Set<string>();
  for (const root of roots) {
    for (const found of scanRoot(root)) {
      if ('error' in found) {
        errors.push(found.error);
        continue;
      }
      if (seen.has(found.skill.path)) continue;
      seen.add(found.skill.path);
      skills.push(found.skill);
    }
  }
  skills.sort((a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] || cmp(a.name, b.name) || cmp(a.path, b.path));
  errors.sort((a, b) => cmp(a.path, b.path));
  return { skills, errors, roots };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Found = { skill: DiscoveredSkill } | { error: SkillErrorInfo };

/** Breadth-first under one root: hidden entries skipped; symlinked folders followed except for system skills. */
function scanRoot(root: SkillRoot): Found[] {
  const base = canonical(root.path);
  try {
    if (!fs.statSync(base).isDirectory()) return [];
  } catch {
    return [];
  }
  const out: Found[] = [];
  const visited = new Set([base]);
  const queue: [string, number][] = [[base, 0]];
  const enqueue = (dir: string, depth: number) => {
    if (depth > MAX_SCAN_DEPTH || visited.size >= MAX_DIRS_PER_ROOT || visited.has(dir)) return;
    visited.add(dir);
    queue.push([dir, depth]);
  };
  while (queue.length) {
    const [dir, depth] = queue.shift()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        if (root.scope === 'system') continue;
        try {
          if (fs.statSync(full).isDirectory()) enqueue(canonical(full), depth + 1);
        } catch {
          /* dangling link */
        }
        continue;
      }
      if (entry.isDirectory()) enqueue(full, depth + 1);
      else if (entry.isFile() && entry.name === 'SKILL.md') {
        try {
          out.push({ skill: { ...parseSkillFile(full), path: canonical(full), scope: root.scope, root: base } });
        } catch (error) {
          // Broken system skills are Codex's own problem, not the user's: not reported.
          if (root.scope !== 'system' && error instanceof SkillParseError) out.push({ error: { path: full, message: error.message } });
        }
      }
    }
  }
  return out;
}
