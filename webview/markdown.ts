/**
 * Model text → safe HTML. `marked` parses (GFM), highlight.js colors code
 * blocks, and DOMPurify removes anything executable (scripts, event
 * handlers, `javascript:` URLs, styles, forms, frames) before the HTML
 * touches the DOM. Copy buttons are added afterwards with DOM calls, never
 * through the sanitized HTML.
 */
import createDOMPurify, { type DOMPurify } from 'dompurify';
import hljs from 'highlight.js/lib/common';
import { Marked, type Tokens } from 'marked';

let purifier: DOMPurify | undefined;

function getPurifier(): DOMPurify {
  if (purifier) return purifier;
  purifier = createDOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      // Only web and mail links leave the chat; anything else loses its link.
      if (!/^(https?:|mailto:)/i.test(href)) node.removeAttribute('href');
      node.setAttribute('rel', 'noopener noreferrer');
      node.removeAttribute('target');
    }
    if (node.tagName === 'IMG') {
      const src = node.getAttribute('src') ?? '';
      if (!/^data:image\/(png|gif|jpeg|webp);/i.test(src)) node.removeAttribute('src');
    }
  });
  return purifier;
}

const SANITIZE_CONFIG = {
  FORBID_TAGS: ['style', 'script', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed', 'link', 'meta', 'base', 'svg', 'math'],
  FORBID_ATTR: ['style', 'id', 'name', 'srcset', 'action', 'formaction'],
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|data:image\/(?:png|gif|jpeg|webp);|#)/i,
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const language = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
      let highlighted: string;
      try {
        highlighted =
          language && hljs.getLanguage(language)
            ? hljs.highlight(text, { language, ignoreIllegals: true }).value
            : text.length < 20_000
              ? hljs.highlightAuto(text).value
              : escapeHtml(text);
      } catch {
        highlighted = escapeHtml(text);
      }
      const langClass = language && /^[a-z0-9+#-]+$/.test(language) ? ` language-${language}` : '';
      return `<pre class="code-block"><code class="hljs${langClass}">${highlighted}</code></pre>\n`;
    },
  },
});

/** Renders markdown to sanitized HTML (a string safe to assign to innerHTML). */
export function renderMarkdownToSafeHtml(markdown: string): string {
  const raw = marked.parse(markdown, { async: false }) as string;
  return getPurifier().sanitize(raw, SANITIZE_CONFIG) as unknown as string;
}

/** Rows are re-created as they scroll in and out: keep recent results instead of re-parsing. */
const htmlCache = new Map<string, string>();
const HTML_CACHE_LIMIT = 1000;

function cachedSafeHtml(markdown: string): string {
  let html = htmlCache.get(markdown);
  if (html === undefined) {
    html = renderMarkdownToSafeHtml(markdown);
    if (htmlCache.size >= HTML_CACHE_LIMIT) htmlCache.delete(htmlCache.keys().next().value as string);
    htmlCache.set(markdown, html);
  }
  return html;
}

/**
 * Fills `target` with the rendered markdown and gives each code block a copy
 * button. Text still streaming is not cached: every delta would add an entry.
 */
export function renderMarkdownInto(target: HTMLElement, markdown: string, cache = true): void {
  target.innerHTML = cache ? cachedSafeHtml(markdown) : renderMarkdownToSafeHtml(markdown);
  decorateCodeBlocks(target);
}

function decorateCodeBlocks(root: HTMLElement): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    const code = pre.querySelector('code');
    if (!code || pre.parentElement?.classList.contains('code-wrapper')) continue;
    const wrapper = document.createElement('div');
    wrapper.className = 'code-wrapper';
    const toolbar = document.createElement('div');
    toolbar.className = 'code-toolbar';
    const language = Array.from(code.classList).find((c) => c.startsWith('language-'))?.slice('language-'.length);
    const label = document.createElement('span');
    label.className = 'code-language';
    label.textContent = language ?? '';
    const copy = document.createElement('button');
    copy.className = 'icon-button copy-code';
    copy.title = 'Copy code';
    copy.dataset.action = 'copy-code';
    copy.setAttribute('aria-label', 'Copy code');
    const icon = document.createElement('span');
    icon.className = 'codicon codicon-copy';
    copy.append(icon);
    toolbar.append(label, copy);
    pre.replaceWith(wrapper);
    wrapper.append(toolbar, pre);
  }
}
