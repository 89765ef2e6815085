/**
 * Screen readers (headless Chromium's accessibility tree): the transcript is
 * not spoken delta by delta; a finished answer is announced once by a status
 * region.
 */
import assert from 'node:assert/strict';
import type { SessionInfo } from '../../webview/protocol';
import { session } from './harness';
import { useChatPage } from './browserPage';

describe('chat announcements in Chromium', function () {
  this.timeout(60000);
  const rig = useChatPage();
  const region = () => rig.page.evaluate(`(() => { const r = document.querySelector('[role="status"].visually-hidden'); return r && { text: r.textContent, live: r.getAttribute('aria-live') }; })()`) as Promise<{ text: string; live: string } | null>;

  it('announces a finished answer once, never its streamed deltas', async () => {
    await rig.post({ type: 'snapshot', session: session({ turnRunning: true }) as SessionInfo, entries: [{ kind: 'user', id: 'u', text: 'hi' }] });
    const transcript = await rig.page.evaluate(`(() => { const t = document.querySelector('.transcript'); return { role: t.getAttribute('role'), live: t.getAttribute('aria-live'), label: t.getAttribute('aria-label') }; })()`);
    assert.deepEqual(transcript, { role: 'log', live: 'off', label: 'Conversation' }, 'the transcript is not spoken on every change');

    await rig.post({ type: 'upsert', entry: { kind: 'agent', id: 'a', text: '', streaming: true } });
    let changes = 0;
    await rig.page.exposeFunction('__regionChanged', () => changes++);
    await rig.page.evaluate(`new MutationObserver(() => window.__regionChanged()).observe(document.querySelector('[role="status"].visually-hidden'), { childList: true, characterData: true, subtree: true })`);
    for (const delta of ['Hello', ' there', ', all done.']) await rig.post({ type: 'append', id: 'a', field: 'text', delta });
    await rig.frames();
    assert.equal((await region())?.text, '', 'nothing is announced while the answer streams');

    await rig.post({ type: 'upsert', entry: { kind: 'agent', id: 'a', text: 'Hello there, all done.', streaming: false } });
    await rig.post({ type: 'upsert', entry: { kind: 'agent', id: 'a', text: 'Hello there, all done.', streaming: false } });
    await rig.frames();
    assert.deepEqual(await region(), { text: 'Codex answered: Hello there, all done.', live: 'polite' });
    assert.equal(changes, 1, 'announced exactly once');
  });

  it('does not announce answers loaded with a thread', async () => {
    await rig.post({ type: 'snapshot', session: session() as SessionInfo, entries: [{ kind: 'agent', id: 'old', text: 'from before', streaming: false }] });
    await rig.post({ type: 'upsert', entry: { kind: 'agent', id: 'old', text: 'from before', streaming: false } });
    await rig.frames();
    assert.equal((await region())?.text, '');
  });
});
