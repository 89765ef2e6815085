/**
 * WCAG contrast of text as the browser actually paints it: the element's computed text colour
 * (with its alpha and every ancestor's opacity) over the backgrounds painted behind it
 * (composited from the element up to the root). Runs inside the page: pass
 * `CONTRAST_SCRIPT` to `page.evaluate` / `frame.evaluate` and then call
 * `window.__measureContrast(targets)`.
 */

export interface ContrastTarget {
  /** What the text is, for messages ("user message", "inline code"). */
  name: string;
  selector: string;
}

export interface ContrastResult {
  name: string;
  selector: string;
  found: boolean;
  text?: string;
  foreground?: string;
  background?: string;
  ratio?: number;
}

/** Plain JavaScript (no TypeScript syntax), evaluated in the page. */
export const CONTRAST_SCRIPT = String.raw`
(() => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  // Any CSS colour (rgb(), color(srgb …), names) → [r, g, b, a] with channels 0–255 and a 0–1,
  // by letting the canvas parse and paint it.
  function parse(color) {
    if (!color || color === 'transparent') return [0, 0, 0, 0];
    const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(color);
    if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  }
  function over(top, bottom) {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  }
  function luminance(c) {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  }
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  function backgroundBehind(node) {
    const layers = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) layers.push(parse(getComputedStyle(n).backgroundColor));
    // The canvas under the document is opaque white unless a background covers it.
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  }
  function opacityOf(node) {
    let o = 1;
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) o *= parseFloat(getComputedStyle(n).opacity);
    return o;
  }
  function visible(node) {
    const r = node.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(node).visibility !== 'hidden';
  }
  window.__measureContrast = (targets) => targets.map((t) => {
    const node = Array.from(document.querySelectorAll(t.selector)).find(visible);
    if (!node) return { name: t.name, selector: t.selector, found: false };
    const bg = backgroundBehind(node);
    const fgRaw = parse(getComputedStyle(node).color);
    const fg = over([fgRaw[0], fgRaw[1], fgRaw[2], fgRaw[3] * opacityOf(node)], bg);
    const l1 = luminance(fg), l2 = luminance(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    return { name: t.name, selector: t.selector, found: true, text: (node.textContent || '').trim().slice(0, 40), foreground: hex(fg), background: hex(bg), ratio: Math.round(ratio * 100) / 100 };
  });
})();
`;

/** The text kinds of the chat, each by a selector that finds its text node's element. */
export const CHAT_TEXT_TARGETS: ContrastTarget[] = [
  { name: 'body text (agent markdown)', selector: '.entry-agent .markdown p' },
  { name: 'user message', selector: '.entry-user .user-bubble' },
  { name: 'attachment chip', selector: '.entry-user .chip' },
  { name: 'markdown heading', selector: '.entry-agent .markdown h1' },
  { name: 'inline code', selector: '.entry-agent .markdown p code' },
  { name: 'link', selector: '.entry-agent .markdown a' },
  { name: 'code in a link', selector: '.entry-agent .markdown a code' },
  { name: 'bold text', selector: '.entry-agent .markdown strong' },
  { name: 'table cell', selector: '.entry-agent .markdown td' },
  { name: 'table header', selector: '.entry-agent .markdown th' },
  { name: 'second-level heading', selector: '.entry-agent .markdown h2' },
  { name: 'list item', selector: '.entry-agent .markdown li' },
  { name: 'tool card title', selector: '.entry-tool .card-title' },
  { name: 'tool card detail', selector: '.entry-tool .card-detail' },
  { name: 'tool status badge', selector: '.entry-tool .badge' },
  { name: 'code block plain text', selector: '.code-wrapper pre code' },
  { name: 'code block keyword', selector: '.code-wrapper .hljs-keyword' },
  { name: 'code block string', selector: '.code-wrapper .hljs-string' },
  { name: 'code block number', selector: '.code-wrapper .hljs-number' },
  { name: 'code block comment', selector: '.code-wrapper .hljs-comment' },
  { name: 'code block function title', selector: '.code-wrapper .hljs-title' },
  { name: 'code block language label', selector: '.code-toolbar .code-language' },
  { name: 'blockquote', selector: '.entry-agent .markdown blockquote p' },
  { name: 'reasoning summary', selector: '.reasoning > summary .reasoning-title' },
  { name: 'reasoning body', selector: '.reasoning .markdown p' },
  { name: 'command line', selector: '.entry-command .command-line' },
  { name: 'command output', selector: '.entry-command .command-output' },
  { name: 'command cwd footer', selector: '.entry-command .card-footer' },
  { name: 'command duration', selector: '.entry-command .duration' },
  { name: 'exit badge (success)', selector: '.badge.ok' },
  { name: 'exit badge (failure)', selector: '.badge.fail' },
  { name: 'running badge', selector: '.badge.status-inProgress' },
  { name: 'file change title', selector: '.file-change .card-title' },
  { name: 'file path link', selector: '.file-change .file-path' },
  { name: 'lines added', selector: '.file-change .file-row .added' },
  { name: 'lines removed', selector: '.file-change .file-row .removed' },
  { name: 'plan step', selector: '.plan-step.step-pending span:last-child' },
  { name: 'plan step done', selector: '.plan-step.step-completed span:last-child' },
  { name: 'plan explanation', selector: '.plan .card-detail' },
  { name: 'approval title', selector: '.approval.pending .card-title' },
  { name: 'approval command', selector: '.approval.pending .approval-detail' },
  { name: 'approval reason', selector: '.approval.pending .card-detail' },
  { name: 'approval accept button', selector: '.approval .button.primary .label' },
  { name: 'approval decline button', selector: '.approval .button.secondary .label' },
  { name: 'approval resolution', selector: '.approval-resolution' },
  { name: 'error notice', selector: '.notice-error .notice-text' },
  { name: 'warning notice', selector: '.notice-warning .notice-text' },
  { name: 'info notice', selector: '.notice-info .notice-text' },
  { name: 'thread title', selector: '.thread-title' },
  { name: 'server down banner', selector: '.connection-banner .banner-text' },
  { name: 'banner restart button', selector: '.connection-banner .button' },
  { name: 'composer text', selector: '.composer-input' },
  { name: 'send button', selector: '.composer .send .label, .composer .send' },
  { name: 'picker', selector: '.picker' },
  { name: 'popup item', selector: '.popup-item:not(.selected) .popup-label' },
  { name: 'popup item detail', selector: '.popup-item:not(.selected) .popup-detail' },
  { name: 'popup selected item', selector: '.popup-item.selected .popup-label' },
  { name: 'popup selected detail', selector: '.popup-item.selected .popup-detail' },
  { name: 'empty state', selector: '.empty-state' },
];
