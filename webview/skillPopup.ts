/**
 * The composer's `$` popup: typing `$` (at the start or after a space) lists
 * the enabled skills by name and description, filtered by what follows the
 * `$`. Choosing one writes `$name ` and remembers its path, so the prompt
 * is sent with a `skill` input item for every chosen skill still in the text.
 */
import type { SkillCandidate } from './protocol';

const TRIGGER = /(?:^|\s)\$([\w:.-]*)$/;

export class SkillMentions {
  /** The text after `$` while the popup is open; undefined when it is closed. */
  query: string | undefined;
  private known: SkillCandidate[] = [];
  /** Set once the host answered a query (before that the popup says it is loading). */
  loaded = false;
  private readonly chosen = new Map<string, { name: string; path: string }>();

  /** The `$query` right before the caret, or undefined. */
  match(beforeCaret: string): string | undefined {
    return TRIGGER.exec(beforeCaret)?.[1];
  }

  setKnown(skills: SkillCandidate[]): void {
    this.known = skills.filter((skill) => skill.enabled);
    this.loaded = true;
  }

  /** Known skills whose name starts with (then contains) the query. */
  candidates(query: string): SkillCandidate[] {
    const q = query.toLowerCase();
    const starts = this.known.filter((s) => s.name.toLowerCase().startsWith(q));
    const contains = this.known.filter((s) => !s.name.toLowerCase().startsWith(q) && s.name.toLowerCase().includes(q));
    return [...starts, ...contains];
  }

  /** The text with `$query` before the caret replaced by `$name `; the skill is remembered. */
  apply(beforeCaret: string, skill: SkillCandidate): string {
    this.chosen.set(skill.name, { name: skill.name, path: skill.path });
    this.query = undefined;
    return beforeCaret.replace(/\$([\w:.-]*)$/, `$${skill.name} `);
  }

  /** Chosen skills still mentioned in the text (a deleted `$name` is not sent). */
  usedIn(text: string): { name: string; path: string }[] {
    return [...this.chosen.values()].filter((skill) => new RegExp(`(?:^|\\s)\\$${skill.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w:-])`).test(text));
  }

  clear(): void {
    this.chosen.clear();
    this.query = undefined;
  }
}
