/** The chat webview's HTML: strict CSP with a per-load nonce, no inline script or style, resources from dist/ only. */
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { chatHtml, contentSecurityPolicy, createNonce } from '../../extension/chat/html';
import { summarizeChange } from '../../extension/chat/transcript';
import { fuzzyScore } from '../../extension/chat/fuzzy';

describe('chat webview HTML and helpers', () => {
  it('has a strict CSP with a nonce on the only script', () => {
    const html = chatHtml({ cspSource: 'https://file+.vscode-resource.example', scriptUri: 'https://r.example/dist/webview.js', styleUri: 'https://r.example/dist/webview.css', nonce: 'abc123' });
    const document = new JSDOM(html).window.document;
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    assert.equal(csp, contentSecurityPolicy('https://file+.vscode-resource.example', 'abc123'));
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const scripts = Array.from(document.querySelectorAll('script'));
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0].getAttribute('nonce'), 'abc123');
    assert.equal(scripts[0].textContent, '', 'no inline script');
    assert.equal(document.querySelectorAll('style, [style]').length, 0, 'no inline style');
    assert.notEqual(createNonce(), createNonce());
    assert.match(createNonce(), /^[A-Za-z0-9]{20,}$/);
  });

  it('counts added and removed lines of file changes', () => {
    assert.deepEqual(summarizeChange({ path: 'a.ts', kind: { type: 'update', move_path: null }, diff: '@@ -1,2 +1,2 @@\n-old\n+new\n+more\n context\n' }), { path: 'a.ts', kind: 'update', movePath: undefined, added: 2, removed: 1 });
    assert.deepEqual(summarizeChange({ path: 'n.txt', kind: { type: 'add' }, diff: 'one\ntwo\n' }), { path: 'n.txt', kind: 'add', movePath: undefined, added: 2, removed: 0 });
    assert.equal(summarizeChange({ path: 'a', kind: { type: 'update', move_path: 'b' }, diff: '' }).movePath, 'b');
  });

  it('fuzzy-matches file paths, preferring file-name hits', () => {
    assert.equal(fuzzyScore('xyz', 'src/main.ts'), null);
    const nameHit = fuzzyScore('main', 'src/main.ts')!;
    const dirHit = fuzzyScore('main', 'main/src/other.ts')!;
    assert.ok(nameHit > dirHit);
    assert.ok(fuzzyScore('srvmn', 'server/main.ts')! > 0);
  });
});
