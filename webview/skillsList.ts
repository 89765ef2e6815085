/**
 * The /skills entry: one row per skill (name, scope, description) with an
 * Enable/Disable button (`data-action="toggle-skill"`, handled in main.ts),
 * then the SKILL.md files that could not be read as skills, with the reason.
 */
import { el } from './dom';
import type { ChatEntry } from './protocol';

export function renderSkillsList(entry: Extract<ChatEntry, { kind: 'skills' }>): HTMLElement {
  const box = el('div', 'skills-list');
  box.append(el('div', 'skills-title', entry.skills.length ? `Skills (${entry.skills.length})` : 'No skills found'));
  if (!entry.skills.length) {
    box.append(el('div', 'skills-hint', 'Add a folder with a SKILL.md to ~/.codex/skills or .agents/skills in the repository.'));
  }
  for (const skill of entry.skills) {
    const row = el('div', `skill-row${skill.enabled ? '' : ' disabled'}`);
    row.title = skill.path;
    const text = el('div', 'skill-text');
    const head = el('div', 'skill-head');
    head.append(el('span', 'skill-name', `$${skill.name}`), el('span', 'skill-scope', skill.scope));
    text.append(head, el('div', 'skill-description', skill.description));
    const toggle = el('button', skill.enabled ? 'button secondary' : 'button primary');
    toggle.type = 'button';
    toggle.dataset.action = 'toggle-skill';
    toggle.dataset.path = skill.path;
    toggle.dataset.enabled = String(skill.enabled);
    toggle.textContent = skill.enabled ? 'Disable' : 'Enable';
    toggle.setAttribute('aria-label', `${skill.enabled ? 'Disable' : 'Enable'} skill ${skill.name}`);
    row.append(text, toggle);
    box.append(row);
  }
  for (const error of entry.errors) {
    const row = el('div', 'skill-error');
    row.append(el('span', 'skill-error-path', error.path), el('span', 'skill-error-message', error.message));
    box.append(row);
  }
  return box;
}
