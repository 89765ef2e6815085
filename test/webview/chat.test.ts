/**
 * The built chat webview (`dist/webview.js`) in a DOM: rendering of every
 * entry kind, sanitizing of hostile markdown, the composer (Enter/Shift+Enter,
 * history, slash popup, @ mentions, Stop), windowing of long threads, and
 * state that survives the view being re-created.
 */
import assert from 'node:assert/strict';
import type { ChatEntry } from '../../webview/protocol';
import { ensureWebviewBundle, openWebview, session, type WebviewHarness } from './harness';

/** Popup labels, copied out of the DOM window's realm. */
function labels(view: WebviewHarness): string[] {
  return [...(view.window.codexChat.composer.popupLabels as string[])];
}

function keydown(window: any, target: Element, key: string, init: Record<string, unknown> = {}): void {
  target.dispatchEvent(new window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
}

function type(window: any, textarea: HTMLTextAreaElement, text: string): void {
  textarea.value = text;
  textarea.setSelectionRange(text.length, text.length);
  textarea.dispatchEvent(new window.Event('input', { bubbles: true }));
}

describe('chat webview (jsdom)', function () {
  this.timeout(30000);
  let view: WebviewHarness;

  before(() => ensureWebviewBundle());
  beforeEach(() => {
    view = openWebview();
  });
  afterEach(() => view.close());

  it('labels the pickers before the host has sent anything', () => {
    const label = (cls: string) => (view.document.querySelector(`.${cls}`) as HTMLSelectElement).selectedOptions[0]?.textContent;
    assert.equal(label('model-picker'), 'Model: default');
    assert.equal(label('policy-picker'), 'Approvals: default');
    assert.equal(label('sandbox-picker'), 'Sandbox: default');
  });

  it('asks the host for its state on load and renders a snapshot', () => {
    assert.deepEqual(view.posted[0], { type: 'ready' });
    view.send({
      type: 'snapshot',
      session: session(),
      entries: [
        { kind: 'user', id: 'u1', text: 'Explain <b>this</b>', attachments: [{ label: '@main.ts', details: '/w/main.ts' }] },
        { kind: 'agent', id: 'a1', text: 'Here is **bold** and `code`.', streaming: false },
      ],
    });
    const user = view.document.querySelector('[data-id="u1"] .user-bubble')!;
    assert.equal(user.textContent, 'Explain <b>this</b>', 'user text is shown as text, not HTML');
    assert.equal(user.querySelector('b'), null);
    assert.equal(view.document.querySelector('[data-id="u1"] .chip')!.textContent, '@main.ts');
    const agent = view.document.querySelector('[data-id="a1"] .markdown')!;
    assert.equal(agent.querySelector('strong')!.textContent, 'bold');
    assert.equal(agent.querySelector('code')!.textContent, 'code');
    assert.equal((view.document.querySelector('.empty-state') as HTMLElement).hidden, true);
  });

  it('sanitizes hostile markdown from the model', () => {
    const hostile = [
      '<script>window.pwned = 1</script>',
      '<img src="x" onerror="window.pwned = 2">',
      '[click me](javascript:window.pwned=3)',
      '<a href="javascript:window.pwned=4" onclick="window.pwned=5">link</a>',
      '<iframe src="https://evil.invalid"></iframe>',
      '<svg onload="window.pwned=6"><circle/></svg>',
      '<style>body{display:none}</style>',
      '<form action="https://evil.invalid"><input name="x"><button>go</button></form>',
      '<div style="position:fixed;inset:0" onmouseover="window.pwned=7">overlay</div>',
      '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '<a href="https://example.com" target="_blank">ok link</a>',
      '<details open ontoggle="window.pwned=8"><summary>x</summary></details>',
    ].join('\n\n');
    view.send({ type: 'snapshot', session: session(), entries: [{ kind: 'agent', id: 'evil', text: hostile, streaming: false }] });
    const body = view.document.querySelector('[data-id="evil"]')!;
    assert.equal(body.querySelectorAll('script, iframe, svg, style, form, input, object, embed').length, 0);
    for (const element of Array.from(body.querySelectorAll('*'))) {
      for (const attribute of Array.from(element.attributes)) {
        assert.ok(!/^on/i.test(attribute.name), `event handler attribute ${attribute.name} survived`);
        assert.notEqual(attribute.name, 'style');
        assert.ok(!/^\s*(javascript|data:text)/i.test(attribute.value), `dangerous URL survived: ${attribute.value}`);
      }
    }
    const links = Array.from(body.querySelectorAll('a')).map((a) => a.getAttribute('href'));
    assert.ok(links.includes('https://example.com'), 'safe links are kept');
    const okLink = Array.from(body.querySelectorAll('a')).find((a) => a.getAttribute('href') === 'https://example.com')!;
    assert.equal(okLink.getAttribute('target'), null);
    assert.equal(okLink.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(view.window.pwned, undefined, 'no hostile code ran');
    assert.match(body.textContent!, /overlay/, 'harmless text is kept');
  });

  it('highlights code blocks and copies them through the host', () => {
    view.send({
      type: 'snapshot',
      session: session(),
      entries: [{ kind: 'agent', id: 'c', text: '```ts\nconst x: number = 1; // <tag>\n```', streaming: false }],
    });
    const code = view.document.querySelector('[data-id="c"] pre code')!;
    assert.ok(code.classList.contains('language-ts'));
    assert.ok(code.querySelector('.hljs-keyword'), 'keywords are highlighted');
    assert.equal(code.textContent, 'const x: number = 1; // <tag>');
    (view.document.querySelector('[data-id="c"] [data-action="copy-code"]') as HTMLElement).click();
    assert.deepEqual(view.posted.at(-1), { type: 'copy', text: 'const x: number = 1; // <tag>' });
  });

  it('streams agent text, reasoning and command output as deltas arrive', () => {
    view.send({ type: 'snapshot', session: session({ turnRunning: true }), entries: [] });
    view.send({ type: 'upsert', entry: { kind: 'reasoning', id: 'r', summary: [], streaming: true } });
    view.send({ type: 'append', id: 'r', field: 'summary', index: 0, delta: '**Planning** the fix' });
    view.send({ type: 'upsert', entry: { kind: 'agent', id: 'a', text: '', streaming: true } });
    view.send({ type: 'append', id: 'a', field: 'text', delta: 'Hello ' });
    view.send({ type: 'append', id: 'a', field: 'text', delta: '*world*' });
    view.send({ type: 'upsert', entry: { kind: 'command', id: 'cmd', command: 'npm test', cwd: '/w', output: '', exitCode: null, status: 'inProgress', durationMs: null } });
    view.send({ type: 'append', id: 'cmd', field: 'output', delta: 'line 1\n' });
    view.send({ type: 'append', id: 'cmd', field: 'output', delta: '<script>x</script>\n' });
    const reasoning = view.document.querySelector('[data-id="r"] details') as HTMLDetailsElement;
    assert.equal(reasoning.open, false, 'reasoning starts collapsed');
    assert.match(reasoning.querySelector('summary')!.textContent!, /Thinking…\s*Planning the fix/);
    assert.equal(view.document.querySelector('[data-id="a"] em')!.textContent, 'world');
    assert.ok(view.document.querySelector('[data-id="a"]')!.classList.contains('streaming'));
    const command = view.document.querySelector('[data-id="cmd"] details') as HTMLDetailsElement;
    assert.equal(command.open, true, 'a running command shows its output');
    assert.equal(command.querySelector('.command-output')!.textContent, 'line 1\n<script>x</script>\n');
    assert.match(command.querySelector('.badge')!.textContent!, /running/);
    view.send({ type: 'upsert', entry: { kind: 'command', id: 'cmd', command: 'npm test', cwd: '/w', output: 'line 1\n', exitCode: null, status: 'inProgress', durationMs: null, awaitingApproval: true } });
    assert.equal(view.document.querySelector('[data-id="cmd"] .badge')!.textContent, 'awaiting approval', 'a command held by its approval does not claim to run');
    view.send({ type: 'upsert', entry: { kind: 'fileChange', id: 'fc', files: [{ path: 'a.ts', kind: 'update', added: 1, removed: 0 }], status: 'inProgress', awaitingApproval: true } });
    assert.match(view.document.querySelector('[data-id="fc"]')!.textContent!, /1 file to change.*awaiting approval/);
    view.send({ type: 'upsert', entry: { kind: 'command', id: 'cmd', command: 'npm test', cwd: '/w', output: 'line 1\n', exitCode: 2, status: 'failed', durationMs: 1500 } });
    const done = view.document.querySelector('[data-id="cmd"]')!;
    assert.equal(done.querySelector('.badge')!.textContent, 'exit 2');
    assert.ok(done.querySelector('.badge')!.classList.contains('fail'));
    assert.equal(done.querySelector('.duration')!.textContent, '1.5 s');
  });

  it('a declined command says it did not run, instead of "no output"', () => {
    view.send({ type: 'snapshot', session: session(), entries: [{ kind: 'command', id: 'd', command: 'rm -rf build', cwd: '/w', output: '', exitCode: null, status: 'declined', durationMs: null }] });
    const card = view.document.querySelector('[data-id="d"]')!;
    assert.equal(card.querySelector('.badge')!.textContent, 'declined');
    assert.equal(card.querySelector('.command-output')!.textContent, '(not run: declined)');
  });

  it('remembers that the user expanded a reasoning block across re-renders', () => {
    view.send({ type: 'snapshot', session: session(), entries: [{ kind: 'reasoning', id: 'r', summary: ['one'], streaming: false }] });
    const details = view.document.querySelector('[data-id="r"] details') as HTMLDetailsElement;
    details.open = true;
    details.dispatchEvent(new view.window.Event('toggle'));
    view.send({ type: 'append', id: 'r', field: 'summary', index: 0, delta: ' two' });
    assert.equal((view.document.querySelector('[data-id="r"] details') as HTMLDetailsElement).open, true);
  });

  it('shows file changes with +/- counts and asks the host to open a diff', () => {
    view.send({
      type: 'snapshot',
      session: session(),
      entries: [
        {
          kind: 'fileChange',
          id: 'f',
          status: 'completed',
          files: [
            { path: 'src/a.ts', kind: 'update', added: 3, removed: 1 },
            { path: 'src/new.ts', kind: 'add', added: 10, removed: 0 },
          ],
        },
      ],
    });
    const card = view.document.querySelector('[data-id="f"]')!;
    assert.match(card.querySelector('.card-title')!.textContent!, /2 files changed/);
    assert.equal(card.querySelector('.card-header .added')!.textContent, '+13');
    assert.equal(card.querySelector('.card-header .removed')!.textContent, '−1');
    const rows = card.querySelectorAll('.file-row');
    assert.equal(rows.length, 2);
    assert.equal(rows[0].querySelector('.added')!.textContent, '+3');
    (rows[1].querySelector('[data-action="open-diff"]') as HTMLElement).click();
    assert.deepEqual(view.posted.at(-1), { type: 'openDiff', path: 'src/new.ts' });
    (rows[0].querySelector('[data-action="open-file"]') as HTMLElement).click();
    assert.deepEqual(view.posted.at(-1), { type: 'openFile', path: 'src/a.ts' });
  });

  it('shows plans as checklists and errors/warnings inline', () => {
    view.send({
      type: 'snapshot',
      session: session(),
      entries: [
        { kind: 'plan', id: 'p', explanation: 'Steps', steps: [{ step: 'Read', status: 'completed' }, { step: 'Fix', status: 'inProgress' }, { step: 'Test', status: 'pending' }] },
        { kind: 'notice', id: 'e', level: 'error', text: 'Model failed <b>x</b>' },
        { kind: 'notice', id: 'w', level: 'warning', text: 'Careful' },
      ],
    });
    const steps = Array.from(view.document.querySelectorAll('[data-id="p"] .plan-step'));
    assert.deepEqual(steps.map((s) => s.getAttribute('aria-checked')), ['true', 'false', 'false']);
    assert.match(view.document.querySelector('[data-id="p"] .card-title')!.textContent!, /1\/3/);
    const error = view.document.querySelector('[data-id="e"]')!;
    assert.ok(error.classList.contains('notice-error'));
    assert.equal(error.getAttribute('role'), 'alert');
    assert.equal(error.querySelector('.notice-text')!.textContent, 'Model failed <b>x</b>');
    assert.ok(view.document.querySelector('[data-id="w"]')!.classList.contains('notice-warning'));
  });

  it('offers exactly the decisions of an approval and posts the choice', () => {
    const approval: ChatEntry = {
      kind: 'approval',
      id: 'ap',
      approvalKind: 'command',
      title: 'Run this command?',
      detail: 'rm -rf build',
      reason: 'cleanup',
      decisions: ['accept', 'decline'],
    };
    view.send({ type: 'snapshot', session: session({ pendingApprovals: 1 }), entries: [approval] });
    const buttons = Array.from(view.document.querySelectorAll('[data-id="ap"] [data-action="approve"]')) as HTMLButtonElement[];
    assert.deepEqual(buttons.map((b) => b.dataset.decision), ['accept', 'decline']);
    assert.equal(view.document.querySelector('[data-id="ap"] .approval-detail')!.textContent, 'rm -rf build');
    buttons[1].click();
    assert.deepEqual(view.posted.at(-1), { type: 'approve', id: 'ap', decision: 'decline' });
    view.send({ type: 'upsert', entry: { ...approval, resolution: 'decline' } });
    assert.equal(view.document.querySelectorAll('[data-id="ap"] button').length, 0);
    assert.equal(view.document.querySelector('[data-id="ap"] .approval-resolution')!.textContent, 'Declined');
  });

  it('composer: Enter sends, Shift+Enter does not, history, Stop', () => {
    view.send({ type: 'snapshot', session: session(), entries: [] });
    const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
    type(view.window, textarea, 'first prompt');
    keydown(view.window, textarea, 'Enter', { shiftKey: true });
    assert.equal(view.posted.filter((m) => m.type === 'send').length, 0, 'Shift+Enter does not send');
    keydown(view.window, textarea, 'Enter');
    assert.deepEqual(view.posted.at(-1), { type: 'send', text: 'first prompt', mentions: [] });
    assert.equal(textarea.value, '');
    type(view.window, textarea, 'second');
    keydown(view.window, textarea, 'Enter');
    keydown(view.window, textarea, 'ArrowUp');
    assert.equal(textarea.value, 'second');
    keydown(view.window, textarea, 'ArrowUp');
    assert.equal(textarea.value, 'first prompt');
    keydown(view.window, textarea, 'ArrowDown');
    keydown(view.window, textarea, 'ArrowDown');
    assert.equal(textarea.value, '');
    const stop = view.document.querySelector('.composer .stop') as HTMLButtonElement;
    assert.equal(stop.hidden, true);
    view.send({ type: 'session', session: session({ turnRunning: true }) });
    assert.equal(stop.hidden, false);
    stop.click();
    assert.deepEqual(view.posted.at(-1), { type: 'interrupt' });
  });

  it('composer: slash popup filters and runs commands', () => {
    view.send({ type: 'snapshot', session: session(), entries: [] });
    const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
    type(view.window, textarea, '/');
    const all = labels(view);
    for (const name of ['new', 'resume', 'fork', 'ide', 'diff', 'model', 'compact', 'goal', 'hooks', 'status', 'clear']) {
      assert.ok(all.some((label) => label.startsWith(`/${name}`)), `/${name} offered`);
    }
    type(view.window, textarea, '/co');
    assert.deepEqual(labels(view), ['/compact', '/copy']);
    keydown(view.window, textarea, 'Enter');
    assert.deepEqual(view.posted.at(-1), { type: 'slash', command: 'compact', args: '' }, 'a command without arguments runs from the popup');
    assert.equal(textarea.value, '');
    type(view.window, textarea, '/go');
    keydown(view.window, textarea, 'Tab');
    assert.equal(textarea.value, '/goal ', 'a command that needs an argument waits for it');
    assert.equal(view.posted.at(-1)!.type, 'slash');
    type(view.window, textarea, '/goal ship the release');
    keydown(view.window, textarea, 'Enter');
    assert.deepEqual(view.posted.at(-1), { type: 'slash', command: 'goal', args: 'ship the release' });
    type(view.window, textarea, '/notacommand hi');
    keydown(view.window, textarea, 'Enter');
    assert.deepEqual(view.posted.at(-1), { type: 'slash', command: 'notacommand', args: 'hi' }, 'unknown commands go to the host, which says so');
    type(view.window, textarea, '/usr/bin/env is missing');
    keydown(view.window, textarea, 'Enter');
    assert.deepEqual(view.posted.at(-1), { type: 'send', text: '/usr/bin/env is missing', mentions: [] }, 'a prompt starting with a path is still a prompt');
  });

  it('composer: @ mentions ask the host, insert the file and send it as a mention', async () => {
    view.send({ type: 'snapshot', session: session(), entries: [] });
    const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
    type(view.window, textarea, 'look at @srvmn');
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.deepEqual(view.posted.at(-1), { type: 'mentionQuery', query: 'srvmn' });
    view.send({ type: 'mentionResults', query: 'srvmn', files: [{ name: 'main.ts', path: '/w/server/main.ts', relativePath: 'server/main.ts' }] });
    assert.deepEqual(labels(view), ['@main.ts']);
    keydown(view.window, textarea, 'Enter');
    assert.equal(textarea.value, 'look at @main.ts ');
    type(view.window, textarea, textarea.value + 'please');
    keydown(view.window, textarea, 'Enter');
    assert.deepEqual(view.posted.at(-1), { type: 'send', text: 'look at @main.ts please', mentions: [{ name: 'main.ts', path: '/w/server/main.ts' }] });
  });

  it('shows a plain banner while the server is down, with a restart button', () => {
    view.send({ type: 'snapshot', session: session({ connection: 'disconnected', connectionMessage: 'The Codex server exited with code 1. Restarting…' }), entries: [] });
    const banner = view.document.querySelector('.connection-banner') as HTMLElement;
    assert.equal(banner.hidden, false);
    assert.match(banner.textContent!, /exited with code 1/);
    assert.equal(banner.querySelector('button')!.textContent, 'Restart server');
    (banner.querySelector('button') as HTMLButtonElement).click();
    assert.deepEqual(view.posted.at(-1), { type: 'restartServer' });
    view.send({ type: 'session', session: session() });
    assert.equal(banner.hidden, true);
    // A remote server is reconnected to, not restarted.
    view.send({ type: 'session', session: session({ connection: 'disconnected', connectionMessage: 'The Codex server could not be reached: … Reconnecting…', remoteServer: true }) });
    assert.equal(banner.querySelector('button')!.textContent, 'Reconnect');
  });

  it('pickers set model, approval policy and sandbox', () => {
    view.send({ type: 'snapshot', session: session({ models: [{ id: 'm1', label: 'Model one' }, { id: 'm2', label: 'Model two' }], model: 'm1' }), entries: [] });
    const pick = (selector: string, value: string) => {
      const s = view.document.querySelector(selector) as HTMLSelectElement;
      s.value = value;
      s.dispatchEvent(new view.window.Event('change'));
    };
    pick('.model-picker', 'm2');
    assert.deepEqual(view.posted.at(-1), { type: 'setModel', model: 'm2' });
    pick('.policy-picker', 'on-request');
    assert.deepEqual(view.posted.at(-1), { type: 'setApprovalPolicy', value: 'on-request' });
    pick('.sandbox-picker', 'read-only');
    assert.deepEqual(view.posted.at(-1), { type: 'setSandboxMode', value: 'read-only' });
  });

  it('renders only a window of a 5,000-entry thread', () => {
    const entries: ChatEntry[] = [];
    for (let i = 0; i < 5000; i++) entries.push({ kind: i % 2 ? 'agent' : 'user', id: `e${i}`, text: `message ${i}`, streaming: false } as ChatEntry);
    const started = performance.now();
    view.send({ type: 'snapshot', session: session(), entries });
    const elapsed = performance.now() - started;
    const rows = view.document.querySelectorAll('.entry').length;
    assert.ok(rows > 0 && rows < 200, `only a window is rendered (got ${rows})`);
    assert.ok(view.document.querySelector('[data-id="e4999"]'), 'the newest entry is shown');
    assert.equal(view.document.querySelector('[data-id="e0"]'), null, 'old entries are not in the DOM');
    assert.ok(elapsed < 1000, `snapshot rendered in ${elapsed.toFixed(0)} ms`);
  });

  it('keeps the draft, history and expanded cards in the webview state across re-creation', () => {
    view.send({ type: 'snapshot', session: session(), entries: [] });
    const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
    type(view.window, textarea, 'sent before');
    keydown(view.window, textarea, 'Enter');
    type(view.window, textarea, 'half-written draft');
    const saved = view.state.value;
    view.close();
    view = openWebview(saved);
    const again = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
    assert.equal(again.value, 'half-written draft');
    again.setSelectionRange(0, 0);
    keydown(view.window, again, 'ArrowUp');
    assert.equal(again.value, 'sent before');
  });

  it('inserts text from the host into the composer', () => {
    view.send({ type: 'snapshot', session: session(), entries: [] });
    view.send({ type: 'insertText', text: '@file.ts' });
    assert.equal((view.document.querySelector('.composer-input') as HTMLTextAreaElement).value, '@file.ts');
  });
});
