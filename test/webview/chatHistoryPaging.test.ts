/**
 * Long threads in the real chat webview (Chromium): near the top it asks the
 * host for older history once, and an older rig.page added above keeps what the
 * reader looks at in place.
 */
import assert from 'node:assert/strict';
import type { ChatEntry } from '../../webview/protocol';
import { session } from './harness';
import { useChatPage } from './browserPage';

const entries = (from: number, to: number): ChatEntry[] =>
  Array.from({ length: to - from }, (_, k): ChatEntry => {
    const i = from + k;
    return i % 2 ? { kind: 'agent', id: `e${i}`, streaming: false, text: `Answer ${i}\n\nwith a second paragraph` } : { kind: 'user', id: `e${i}`, text: `Question ${i}` };
  });

describe('chat webview: older history on scroll-up (Chromium)', function () {
  this.timeout(60000);
  const rig = useChatPage({ width: 420, height: 800 });

  const post = (message: unknown) => rig.page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} }))`);
  const frames = () => rig.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve))))');
  const loadOlderRequests = () => rig.page.evaluate(`window.__posted.filter((m) => m.type === 'loadOlder').length`) as Promise<number>;
  const scrollTo = async (top: number) => {
    await rig.page.evaluate(`document.querySelector('.transcript').scrollTop = ${top}`);
    await frames();
  };
  /** The first row whose top is inside the viewport, and where it is. */
  const firstVisible = () =>
    rig.page.evaluate(`(() => {
      const v = document.querySelector('.transcript').getBoundingClientRect();
      const row = Array.from(document.querySelectorAll('.entry')).find((e) => e.getBoundingClientRect().top >= v.top);
      return { id: row.dataset.id, top: Math.round(row.getBoundingClientRect().top) };
    })()`) as Promise<{ id: string; top: number }>;

  it('asks once near the top, and the prepended rig.page leaves the reader where they were', async () => {
    await post({ type: 'snapshot', entries: entries(150, 300), session: session({ olderHistory: 'available' }) });
    await frames();
    assert.equal(await loadOlderRequests(), 0, 'at the newest entries nothing more is needed');

    await scrollTo(300);
    await scrollTo(100);
    assert.equal(await loadOlderRequests(), 1, 'near the top: one request');
    await scrollTo(0);
    assert.equal(await loadOlderRequests(), 1, 'no second request while the rig.page is on its way');

    const before = await firstVisible();
    await post({ type: 'prepend', entries: entries(0, 150) });
    await post({ type: 'session', session: session() });
    await frames();
    const after = await firstVisible();
    assert.equal(after.id, before.id, 'the same row is at the top of the view');
    assert.ok(Math.abs(after.top - before.top) < 5, `and at the same place (${before.top} → ${after.top})`);

    for (let i = 0; i < 50 && !(await rig.page.evaluate(`!!document.querySelector('[data-id="e0"]')`)); i++) await scrollTo(0);
    assert.ok(await rig.page.evaluate(`!!document.querySelector('[data-id="e0"]')`), 'scrolling up reaches the oldest entry');
    assert.equal(await loadOlderRequests(), 1, 'nothing older is asked for once all is loaded');
  });
});
