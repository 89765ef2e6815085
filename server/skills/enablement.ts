/**
 * Enabling and disabling skills: `[[skills.config]]` entries in config.toml,
 * each with a `path` (a SKILL.md) or a `name`, and `enabled`. Only disabling
 * needs an entry; enabling removes the matching one, as the reference does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TomlDocument } from '../config/edit';
import { formatInlineValue, formatKey, isTable, parseTomlText, type Table } from '../config/toml';

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

/**
 * Writes the user's choice to `$CODEX_HOME/config.toml` as `[[skills.config]]`
 * tables at the end of the file (the reference's layout); the rest of the file
 * is kept as written. A file that is not valid TOML is refused, untouched.
 */
export function writeSkillEnabled(codexHome: string, selector: { path: string } | { name: string }, enabled: boolean): void {
  const file = path.join(codexHome, 'config.toml');
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new SkillConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseTomlText(text, file);
  if (!parsed.ok) throw new SkillConfigError(`${file} is not valid TOML; fix it before changing skills (${parsed.warning.summary})`);
  const skills = parsed.table.skills;
  const current = isTable(skills) && Array.isArray(skills.config) ? skills.config : [];
  const matches = (entry: unknown) =>
    isTable(entry) && ('path' in selector ? typeof entry.path === 'string' && samePath(entry.path, selector.path) : entry.name === selector.name && entry.path === undefined);
  const kept = current.filter((entry) => !matches(entry));
  if (!enabled) kept.push('path' in selector ? { path: selector.path, enabled: false } : { name: selector.name, enabled: false });

  const document = new TomlDocument(text);
  try {
    if (current.length) document.apply(['skills', 'config'], null, 'replace');
  } catch (error) {
    throw new SkillConfigError((error as Error).message);
  }
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const blocks = kept.filter(isTable).map((entry) => ['[[skills.config]]', ...Object.entries(entry).map(([key, value]) => `${formatKey(key)} = ${formatInlineValue(value)}`)]);
  const out = insertSkillTables(document.toString(), blocks, newline);
  const check = parseTomlText(out, file);
  if (!check.ok) throw new SkillConfigError(`changing skills here would make ${file} invalid TOML`);
  fs.mkdirSync(codexHome, { recursive: true });
  // Written next to the real file (a symlinked config.toml stays a symlink), then swapped in atomically.
  const destination = fs.existsSync(file) ? fs.realpathSync(file) : file;
  const temp = `${destination}.${process.pid}.tmp`;
  fs.writeFileSync(temp, out, { mode: 0o600 });
  fs.renameSync(temp, destination);
}

export class SkillConfigError extends Error {}

const HEADER = /^\s*\[/;
const SKILLS_HEADER = /^\s*\[\[?\s*skills\s*(\.|\]|$)/;

/**
 * Puts the `[[skills.config]]` tables with the rest of the `skills` table when
 * the file has one (after its last section, before the next table, as the
 * reference's TOML editor does), else at the end of the file.
 */
function insertSkillTables(text: string, blocks: string[][], newline: string): string {
  if (!blocks.length) return text;
  const lines = text === '' ? [] : text.split(newline);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let lastSkills = -1;
  lines.forEach((line, index) => {
    if (SKILLS_HEADER.test(line)) lastSkills = index;
  });
  let at = lines.length;
  if (lastSkills >= 0) {
    const next = lines.findIndex((line, index) => index > lastSkills && HEADER.test(line));
    at = next < 0 ? lines.length : next;
    // Blank lines and comments right above the next table stay with it.
    while (at > lastSkills + 1 && (lines[at - 1].trim() === '' || lines[at - 1].trim().startsWith('#'))) at--;
  }
  const inserted = blocks.flatMap((block, index) => (index === 0 && at === 0 ? block : ['', ...block]));
  lines.splice(at, 0, ...inserted);
  return lines.join(newline) + newline;
}
