/**
 * Enabling and disabling skills: `[[skills.config]]` entries in config.toml,
 * each with a `path` (a SKILL.md) or a `name`, and `enabled`. Only disabling
 * needs an entry; enabling removes the matching one, as the reference does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isTable, parseTomlText, type Table } from '../config/toml';
import { writeUserConfig } from '../config';

interface Rule {
  path?: string;
  name?: string;
  enabled: boolean;
}

function rulesOf(merged: Table): Rule[] {
  const skills = merged.skills;
  const list = isTable(skills) && Array.isArray(skills.config) ? skills.config : [];
  return list.filter(isTable).flatMap((entry): Rule[] => {
    if (typeof entry.enabled !== 'boolean') return [];
    const rule: Rule = { enabled: entry.enabled };
    if (typeof entry.path === 'string') rule.path = entry.path;
    else if (typeof entry.name === 'string') rule.name = entry.name;
    else return [];
    return [rule];
  });
}

const samePath = (a: string, b: string) => {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
};

/** Whether the config leaves a skill enabled: a path rule wins over a name rule; the last matching rule of a kind wins. */
export function isSkillEnabled(merged: Table, skill: { name: string; path: string }): boolean {
  const rules = rulesOf(merged);
  const byPath = rules.filter((r) => r.path !== undefined && samePath(r.path, skill.path)).pop();
  if (byPath) return byPath.enabled;
  const byName = rules.filter((r) => r.name === skill.name).pop();
  return byName ? byName.enabled : true;
}

/** Writes the user's choice to `$CODEX_HOME/config.toml` (a file that is not valid TOML is refused, untouched). */
export function writeSkillEnabled(codexHome: string, overrides: readonly string[], selector: { path: string } | { name: string }, enabled: boolean): void {
  const file = path.join(codexHome, 'config.toml');
  let current: unknown[] = [];
  try {
    // Only the user's own file is rewritten: entries from other layers are not copied into it.
    const text = fs.readFileSync(file, 'utf8');
    const parsed = parseTomlText(text, file);
    const skills = parsed.ok ? parsed.table.skills : undefined;
    current = isTable(skills) && Array.isArray(skills.config) ? skills.config : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const matches = (entry: unknown) =>
    isTable(entry) && ('path' in selector ? typeof entry.path === 'string' && samePath(entry.path, selector.path) : entry.name === selector.name && entry.path === undefined);
  const kept = current.filter((entry) => !matches(entry));
  if (!enabled) kept.push('path' in selector ? { path: selector.path, enabled: false } : { name: selector.name, enabled: false });
  writeUserConfig(codexHome, overrides, [{ keyPath: 'skills.config', value: kept.length ? kept : null, mergeStrategy: 'replace' }]);
}
