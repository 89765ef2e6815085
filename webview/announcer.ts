/**
 * Screen-reader announcements: the transcript itself is not spoken delta by
 * delta (a streaming answer would be read out hundreds of times); instead a
 * hidden status region says once that an answer finished, with its start.
 */
import { el } from './dom';
import type { ChatEntry } from './protocol';

const SPOKEN_CHARS = 300;

export class AnswerAnnouncer {
  readonly region: HTMLElement;
  private readonly announced = new Set<string>();

  constructor() {
    this.region = el('div', 'visually-hidden');
    this.region.setAttribute('role', 'status');
    this.region.setAttribute('aria-live', 'polite');
    this.region.setAttribute('aria-atomic', 'true');
  }

  /** Called with an entry before and after a change: an agent answer that stopped streaming is announced, once. */
  onEntryChanged(before: ChatEntry | undefined, after: ChatEntry | undefined): void {
    if (after?.kind !== 'agent' || after.streaming || this.announced.has(after.id)) return;
    if (before?.kind !== 'agent' || !before.streaming) return;
    this.announced.add(after.id);
    const text = after.text.replace(/\s+/g, ' ').trim();
    this.region.textContent = `Codex answered: ${text.length > SPOKEN_CHARS ? `${text.slice(0, SPOKEN_CHARS)}…` : text}`;
  }
}
