/**
 * The context meter under the composer: "62% of context used", a thin bar,
 * and a tooltip with the token counts. Hidden until the server reports usage.
 */
import type { ContextUsage } from './protocol';
import { el } from './dom';

export interface ContextMeterView {
  text: string;
  tooltip: string;
  /** 0–100, or null when the window is unknown. */
  percent: number | null;
  level: 'normal' | 'high' | 'full';
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function describeContext(usage: ContextUsage): ContextMeterView {
  const totals = `Thread total: ${fmt(usage.totalTokens)} tokens (${fmt(usage.inputTokens)} in, ${fmt(usage.outputTokens)} out)`;
  if (!usage.windowTokens) {
    return { text: `${fmt(usage.usedTokens)} tokens in context`, tooltip: `Context: ${fmt(usage.usedTokens)} tokens (window size unknown)\n${totals}`, percent: null, level: 'normal' };
  }
  const percent = Math.min(100, Math.round((usage.usedTokens / usage.windowTokens) * 100));
  return {
    text: `${percent}% of context used`,
    tooltip: `Context: ${fmt(usage.usedTokens)} of ${fmt(usage.windowTokens)} tokens\n${totals}\nLong threads are compacted automatically; /compact does it now.`,
    percent,
    level: percent >= 90 ? 'full' : percent >= 70 ? 'high' : 'normal',
  };
}

export class ContextMeter {
  readonly element = el('div', 'context-meter');
  private readonly bar = el('div', 'context-meter-bar');
  private readonly fill = el('div', 'context-meter-fill');
  private readonly label = el('span', 'context-meter-text');

  constructor() {
    this.element.hidden = true;
    this.element.setAttribute('role', 'status');
    this.bar.append(this.fill);
    this.element.append(this.bar, this.label);
  }

  update(usage: ContextUsage | undefined): void {
    this.element.hidden = !usage;
    if (!usage) return;
    const view = describeContext(usage);
    this.label.textContent = view.text;
    this.element.title = view.tooltip;
    this.element.setAttribute('aria-label', view.tooltip.replace(/\n/g, '. '));
    this.element.dataset.level = view.level;
    this.bar.hidden = view.percent === null;
    this.fill.style.width = `${view.percent ?? 0}%`;
  }
}
