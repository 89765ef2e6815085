/**
 * What a used skill sends to the model: after the user's message, one user
 * message per skill holding the whole SKILL.md inside a `<skill>` block with
 * its name and path (the reference's layout). Skills are the explicit `skill`
 * input items and the `$name` mentions in the text that name an enabled
 * skill, each once, in that order.
 */
import fs from 'node:fs';
import type { UserInput } from '../../protocol/items';
import type { SkillMetadata } from '../../protocol/skills';

const MENTION = /\$([A-Za-z0-9_][A-Za-z0-9_:.-]*)/g;

interface UsedSkill {
  name: string;
  path: string;
}

export function skillsUsedBy(input: UserInput[], enabled: readonly SkillMetadata[]): UsedSkill[] {
  const used: UsedSkill[] = [];
  const seen = new Set<string>();
  const add = (skill: UsedSkill) => {
    if (seen.has(skill.path) || seen.has(`name:${skill.name}`)) return;
    seen.add(skill.path);
    seen.add(`name:${skill.name}`);
    used.push(skill);
  };
  for (const part of input) if (part.type === 'skill') add({ name: part.name, path: part.path });
  for (const part of input) {
    if (part.type !== 'text') continue;
    for (const match of part.text.matchAll(MENTION)) {
      // Trailing punctuation ("use $alpha.") is not part of the name.
      const name = match[1].replace(/[.:-]+$/, '');
      const skill = enabled.find((s) => s.name === name);
      if (skill) add({ name: skill.name, path: skill.path });
    }
  }
  return used;
}

/** The `<skill>` message text, or null when the file cannot be read. */
export function skillMessageText(skill: UsedSkill): string | null {
  let contents: string;
  try {
    contents = fs.readFileSync(skill.path, 'utf8');
  } catch {
    return null;
  }
  return `<skill>\n<name>${skill.name}</name>\n<path>${skill.path}</path>\n${contents}\n</skill>`;
}
