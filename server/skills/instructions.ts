/**
 * The skills section of the model's context: a developer message part
 * `<skills_instructions>` listing every enabled skill the model may pick on
 * its own, laid out as the reference lays it out (a table of root aliases
 * `r0`, `r1`… and one `- name: description (file: rN/…)` line per skill,
 * system skills first, then admin, repo and user, each by name). The
 * introductory sentence is our own wording.
 */
import type { DiscoveredSkill } from './discovery';
import type { SkillScope } from '../../protocol/skills';

const INTRO =
  'Skills are reusable instructions kept in `SKILL.md` files. The list below gives each skill its name, a description and a short path; expand the `rN` prefix with the matching root from the table, then read the file when a skill applies.';

/** Room for the skill lines when the model's context window is unknown, in characters (the reference's default). */
const SKILL_LINES_BUDGET = 8000;

const PROMPT_RANK: Record<SkillScope, number> = { system: 0, admin: 1, repo: 2, user: 3 };

interface Line {
  name: string;
  description: string;
  path: string;
}

const render = (line: Line, descriptionChars: number) => {
  const description = [...line.description].slice(0, descriptionChars).join('');
  return description ? `- ${line.name}: ${description} (file: ${line.path})` : `- ${line.name}: (file: ${line.path})`;
};

/**
 * Fits the lines in `budget` characters: whole when they fit; else descriptions
 * are shortened evenly, one character at a time; else lines without
 * descriptions until the budget is used (later, lower-priority skills drop out).
 */
function fitLines(lines: Line[], budget: number): string[] {
  const cost = (text: string) => [...text].length + 1;
  const full = lines.map((l) => render(l, Infinity));
  if (full.reduce((sum, l) => sum + cost(l), 0) <= budget) return full;
  const minimum = lines.map((l) => render(l, 0));
  const minimumCost = minimum.reduce((sum, l) => sum + cost(l), 0);
  if (minimumCost <= budget) {
    const allocation = lines.map(() => 0);
    let remaining = budget - minimumCost;
    for (let changed = true; changed; ) {
      changed = false;
      lines.forEach((line, index) => {
        const length = [...line.description].length;
        if (allocation[index] >= length) return;
        // The first character also pays for the space before the description.
        const delta = allocation[index] === 0 ? 2 : 1;
        if (delta > remaining) return;
        allocation[index] += 1;
        remaining -= delta;
        changed = true;
      });
    }
    return lines.map((line, index) => render(line, allocation[index]));
  }
  const out: string[] = [];
  let used = 0;
  for (const line of minimum) {
    if (used + cost(line) > budget) continue;
    used += cost(line);
    out.push(line);
  }
  return out;
}

/** The `<skills_instructions>` text, or null when no skill is enabled. */
export function skillsInstructions(skills: DiscoveredSkill[], rootOrder: string[], budget = SKILL_LINES_BUDGET): string | null {
  const listed = skills.filter((s) => s.allowImplicit);
  if (!listed.length) return null;
  const usedRoots = rootOrder.filter((root) => listed.some((s) => s.root === root));
  const alias = new Map(usedRoots.map((root, index) => [root, `r${index}`]));
  const ordered = [...listed].sort((a, b) => PROMPT_RANK[a.scope] - PROMPT_RANK[b.scope] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.path < b.path ? -1 : 1));
  const lines = ordered.map((skill) => ({
    name: skill.name,
    description: skill.description,
    path: `${alias.get(skill.root)}/${skill.path.slice(skill.root.length + 1).split('\\').join('/')}`,
  }));
  return [
    '<skills_instructions>',
    '## Skills',
    INTRO,
    '### Skill roots',
    ...usedRoots.map((root, index) => `- \`r${index}\` = \`${root.split('\\').join('/')}\``),
    '### Available skills',
    ...fitLines(lines, budget),
    '</skills_instructions>',
  ].join('\n');
}
