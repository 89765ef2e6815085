/**
 * Guards for the two promises the extension makes while the agent streams:
 * nothing it opens takes the user's focus, and the webview only assigns HTML
 * that went through the sanitizer. They read the sources, so a new call site
 * that breaks either promise fails here.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

/** The text of each call `name(...)` in `source`, parentheses balanced. */
function callsOf(source: string, name: RegExp): string[] {
  const calls: string[] = [];
  for (const match of source.matchAll(name)) {
    let depth = 0;
    const start = match.index! + match[0].length - 1; // at the opening parenthesis
    for (let i = start; i < source.length; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')' && --depth === 0) {
        calls.push(source.slice(match.index!, i + 1));
        break;
      }
    }
  }
  return calls;
}

describe('focus and HTML safety guards', () => {
  const extensionSources = sourceFiles('extension').map((file) => ({ file, source: fs.readFileSync(path.join(ROOT, file), 'utf8') }));

  it('finds the balanced text of a call', () => {
    assert.deepEqual(callsOf('a(); show(x, { f: g(1) }); show(y)', /\bshow\(/g), ['show(x, { f: g(1) })', 'show(y)']);
  });

  it('opens every editor with preserveFocus: true', () => {
    let checked = 0;
    for (const { file, source } of extensionSources) {
      for (const call of callsOf(source, /\bshowTextDocument\(/g)) {
        checked++;
        assert.match(call, /preserveFocus:\s*true/, `${file}: ${call}`);
      }
      for (const call of callsOf(source, /executeCommand\(\s*'vscode\.(?:open|diff)'/g)) {
        checked++;
        assert.match(call, /preserveFocus:\s*true/, `${file}: ${call}`);
      }
    }
    assert.ok(checked >= 4, `the guard saw the editor-opening calls (${checked})`);
  });

  it('assigns webview HTML only from the markdown sanitizer', () => {
    const assignments = sourceFiles('webview').flatMap((file) => {
      const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
      return [...source.matchAll(/\.(?:innerHTML|outerHTML)\s*=([^;]*);|insertAdjacentHTML\(|document\.write\(/g)].map((m) => ({ file, text: m[0], value: m[1] }));
    });
    assert.ok(assignments.length > 0, 'the markdown renderer assigns HTML');
    for (const { file, text, value } of assignments) {
      assert.equal(file, path.join('webview', 'markdown.ts'), `HTML is only assigned in the sanitizing module (${file}: ${text})`);
      assert.ok(value !== undefined && /^\s*(?:cache \? cachedSafeHtml\(markdown\) : renderMarkdownToSafeHtml\(markdown\)|''|"")\s*$/.test(value), `sanitized value: ${text}`);
    }
  });
});
