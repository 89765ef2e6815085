/**
 * What a user sees in the chat with real layout (headless Chromium): changed
 * files by name with their workspace-relative folder, and the thread title
 * never covering the first prompt.
 */
import assert from 'node:assert/strict';
import type { SessionInfo } from '../../webview/protocol';
import { session } from './harness';
import { useChatPage } from './browserPage';

describe('chat layout in Chromium', function () {
  this.timeout(60000);
  const rig = useChatPage({ width: 300, height: 600 });

  it('shows a changed file by name first, its workspace-relative folder after, and the full path as the tooltip', async () => {
    await rig.post({
      type: 'snapshot',
      session: session({ workspaceRoots: ['/home/me/project'] }) as SessionInfo,
      entries: [
        {
          kind: 'fileChange',
          id: 'f',
          status: 'completed',
          files: [
            { path: '/home/me/project/src/deeply/nested/folder/notes.txt', kind: 'update', added: 2, removed: 2 },
            { path: '/home/me/project/top.md', kind: 'add', added: 1, removed: 0 },
            { path: '/etc/elsewhere.conf', kind: 'update', added: 1, removed: 1 },
          ],
        },
      ],
    });
    await rig.frames();
    const rows = await rig.page.$$eval('.file-row .file-path', (links) =>
      links.map((a) => {
        const name = a.querySelector('.file-name') as HTMLElement;
        const box = name.getBoundingClientRect();
        const link = a.getBoundingClientRect();
        return { name: name.textContent, folder: a.querySelector('.file-folder')?.textContent ?? '', title: (a as HTMLElement).title, nameVisible: box.right <= link.right + 0.5 && box.width > 0 };
      }),
    );
    assert.deepEqual(
      rows.map(({ name, folder, title }) => ({ name, folder, title })),
      [
        { name: 'notes.txt', folder: 'src/deeply/nested/folder', title: '/home/me/project/src/deeply/nested/folder/notes.txt' },
        { name: 'top.md', folder: '', title: '/home/me/project/top.md' },
        { name: 'elsewhere.conf', folder: '/etc', title: '/etc/elsewhere.conf' },
      ],
    );
    assert.ok(rows.every((row) => row.nameVisible), 'the file name is never cut off by a long folder in a narrow side bar');
  });

  it('the thread title never covers the first prompt bubble', async () => {
    const entries = [
      { kind: 'user', id: 'u1', text: 'first prompt' },
      ...Array.from({ length: 30 }, (_, i) => ({ kind: 'agent', id: `a${i}`, text: `answer ${i}\n\nmore`, streaming: false })),
    ];
    // Also with the connection banner above the title, which makes the header taller.
    for (const connection of ['connected', 'disconnected'] as const) {
      const title = 'a long thread title that does not fit in a narrow side bar at all, not even close';
      await rig.post({ type: 'snapshot', session: session({ threadId: 't', threadTitle: title, connection, connectionMessage: 'The Codex server exited' }) as SessionInfo, entries });
      await rig.frames();
      await rig.page.evaluate(`document.querySelector('.transcript').scrollTop = 0`);
      await rig.frames();
      const boxes = (await rig.page.evaluate(`(() => {
        const box = (sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; };
        return { title: box('.thread-title'), bubble: box('[data-id="u1"] .user-bubble') };
      })()`)) as { title: { top: number; bottom: number }; bubble: { top: number; bottom: number } };
      assert.ok(boxes.bubble.top >= boxes.title.bottom, `${connection}: the bubble (top ${boxes.bubble.top}) starts below the title (bottom ${boxes.title.bottom})`);
    }
  });
});
