/**
 * Images in the composer, in headless Chromium with the built webview: a
 * pasted screenshot and dropped image files become removable thumbnail chips
 * and are sent with the prompt; an image over 2048 px is scaled to fit (and
 * the composer says so), one over 20 MB is refused with the limit stated,
 * non-images are refused; `!command` goes to the host as a shell command.
 */
import assert from 'node:assert/strict';
import { makePng, pngSize } from '../helpers/pngImage';
import { session } from './harness';
import { useChatPage } from './browserPage';

describe('composer images in Chromium (paste, drop, attach limits)', function () {
  this.timeout(60000);
  const rig = useChatPage({ width: 420, height: 800 });
  beforeEach(async () => {
    await rig.page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify({ type: 'snapshot', entries: [], session: session() })} }))`);
  });

  /** Fires a paste (on the prompt) or drop (on the composer) carrying these files. */
  async function transfer(kind: 'paste' | 'drop', files: { name: string; type: string; base64?: string; size?: number }[]): Promise<void> {
    await rig.page.evaluate(
      ({ kind, files }) => {
        const data = new DataTransfer();
        for (const f of files) {
          const bytes = f.base64 ? Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) : new Uint8Array(f.size ?? 0);
          data.items.add(new File([bytes], f.name, { type: f.type }));
        }
        if (kind === 'paste') document.querySelector('.composer-input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        else document.querySelector('.composer')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      { kind, files },
    );
  }
  const posted = () => rig.page.evaluate('window.__posted') as Promise<any[]>;
  const sends = async () => (await posted()).filter((m) => m.type === 'send' || m.type === 'shell');
  const chips = () => rig.page.locator('.image-tray .image-chip');
  const note = () => rig.page.locator('.image-note').textContent();

  it('a pasted screenshot becomes a removable chip and is sent with the prompt', async () => {
    const png = makePng(40, 30).toString('base64');
    await transfer('paste', [{ name: 'image.png', type: 'image/png', base64: png }]);
    await chips().first().waitFor();
    assert.equal(await chips().count(), 1);
    assert.equal(await rig.page.locator('.image-tray .image-chip img').first().getAttribute('src'), `data:image/png;base64,${png}`);
    await rig.page.locator('.image-tray .chip-remove').click();
    assert.equal(await chips().count(), 0, 'removed before sending');

    await transfer('paste', [{ name: 'image.png', type: 'image/png', base64: png }]);
    await chips().first().waitFor();
    await rig.page.locator('.composer-input').fill('what is this?');
    await rig.page.locator('.composer-input').press('Enter');
    await rig.page.waitForFunction('window.__posted.some((m) => m.type === "send")');
    const [send] = await sends();
    assert.equal(send.text, 'what is this?');
    assert.deepEqual(send.images, [{ name: 'image.png', dataUrl: `data:image/png;base64,${png}`, width: 40, height: 30 }]);
    assert.equal(await chips().count(), 0, 'the tray is empty after sending');
  });

  it('dropped images are scaled to 2048 px, too large or non-image files are refused with the limit', async () => {
    await transfer('drop', [{ name: 'wide.png', type: 'image/png', base64: makePng(3000, 1000).toString('base64') }]);
    await chips().first().waitFor();
    assert.match((await note()) ?? '', /wide\.png \(3000×1000\) was scaled to 2048×683: images are sent at most 2048 px on a side/);

    await transfer('drop', [{ name: 'huge.png', type: 'image/png', size: 21 * 1024 * 1024 }]);
    await rig.page.waitForFunction('document.querySelector(".image-note").textContent.includes("huge.png")');
    assert.match((await note()) ?? '', /huge\.png is 21\.0 MB; images up to 20\.0 MB can be attached/);
    await transfer('drop', [{ name: 'notes.txt', type: 'text/plain', base64: btoa('hello') }]);
    await rig.page.waitForFunction('document.querySelector(".image-note").textContent.includes("Only image files")');
    assert.equal(await chips().count(), 1, 'only the scaled image is attached');

    // An image alone (no text) can be sent.
    await rig.page.locator('.composer .send').click();
    await rig.page.waitForFunction('window.__posted.some((m) => m.type === "send")');
    const [send] = await sends();
    assert.equal(send.images.length, 1);
    assert.deepEqual([send.images[0].width, send.images[0].height], [2048, 683]);
    assert.deepEqual(pngSize(Buffer.from(send.images[0].dataUrl.split(',')[1], 'base64')), { width: 2048, height: 683 });
  });

  it('a prompt starting with ! goes to the host as a shell command', async () => {
    await rig.page.locator('.composer-input').fill('!git status --short');
    await rig.page.locator('.composer-input').press('Enter');
    await rig.page.waitForFunction('window.__posted.some((m) => m.type === "shell")');
    assert.deepEqual(await sends(), [{ type: 'shell', command: 'git status --short' }]);
  });
});
