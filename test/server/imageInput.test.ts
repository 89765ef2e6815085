/**
 * Image input (`localImage` and `image` data URLs) sent to the reference and
 * to our server with the same scripted model: the user message in the model
 * request must be the same (wrapping text, detail, scaled size, notes for
 * images that cannot be used), and the userMessage item and a resumed thread
 * show the images again.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import type { Which } from '../helpers/appServerProcess';
import { reply } from '../helpers/scriptedModel';
import { makePng } from '../helpers/pngImage';
import { startFixture, stopFixture, stopStartedFixtures, textInput } from './turnHelpers';
import { AppServerProcess } from '../helpers/appServerProcess';

const small = makePng(3, 2);

/** Pixel size of a data-URL image (PNG IHDR or JPEG SOF), to compare scaled images by size, not bytes. */
function sizeOf(url: string): string {
  const bytes = Buffer.from(url.split(',')[1], 'base64');
  if (url.startsWith('data:image/png')) return `png ${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
  const image = jpeg.decode(bytes, { useTArray: true });
  return `jpeg ${image.width}x${image.height}`;
}

/** The last user message's content, with images reduced to format and size, and the workspace path made relative. */
function portableContent(body: any, cwd: string): unknown[] {
  const user = body.input.filter((m: any) => m.type === 'message' && m.role === 'user').pop();
  return user.content.map((part: any) =>
    part.type === 'input_image' ? { ...part, image_url: sizeOf(part.image_url) } : { ...part, text: part.text.split(cwd).join('<cwd>') },
  );
}

async function sendImages(which: Which) {
  const fixture = await startFixture(which, [reply.text('one'), reply.text('two'), reply.text('three')]);
  const { cwd } = fixture;
  fs.writeFileSync(path.join(cwd, 'small.png'), small);
  fs.writeFileSync(path.join(cwd, 'wide.png'), makePng(3000, 1000));
  const tall = Buffer.from(jpeg.encode({ width: 300, height: 2400, data: Buffer.alloc(300 * 2400 * 4, 120) }, 80).data);
  fs.writeFileSync(path.join(cwd, 'tall.jpg'), tall);
  fs.writeFileSync(path.join(cwd, 'text.png'), 'not an image');
  const inputs = [
    [...textInput('look'), { type: 'image', url: `data:image/png;base64,${small.toString('base64')}` }, { type: 'localImage', path: path.join(cwd, 'small.png') }],
    [...textInput('big'), { type: 'localImage', path: 'wide.png' }, { type: 'localImage', path: 'tall.jpg' }, { type: 'image', url: `data:image/png;base64,${makePng(2100, 50).toString('base64')}` }],
    [...textInput('bad'), { type: 'localImage', path: 'missing.png' }, { type: 'localImage', path: 'text.png' }, { type: 'localImage', path: 'small.png', detail: 'low' }],
  ];
  try {
    const contents: unknown[] = [];
    const userItems: any[] = [];
    for (const input of inputs) {
      const { turn } = await fixture.server.request('turn/start', { threadId: fixture.threadId, input });
      const done = await fixture.server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 60000);
      assert.equal(done.params.turn.status, 'completed', JSON.stringify(done.params.turn.error));
      contents.push(portableContent(fixture.model.modelRequests[fixture.model.modelRequests.length - 1].body, cwd));
      userItems.push(fixture.server.notifications.filter((n) => n.method === 'item/completed' && n.params.item.type === 'userMessage').pop()!.params.item.content);
    }
    let remoteError: any;
    await fixture.server.request('turn/start', { threadId: fixture.threadId, input: [{ type: 'image', url: 'https://example.com/a.png' }] }).catch((e) => (remoteError = e));
    const read = await fixture.server.request('thread/read', { threadId: fixture.threadId, includeTurns: true });
    return { contents, userItems, remoteError, readFirst: read.thread.turns[0].items[0].content, violations: fixture.server.violations, cwd, fixture };
  } finally {
    await stopFixture(fixture);
  }
}

describe('image input compared with the reference', function () {
  this.timeout(180000);
  afterEach(stopStartedFixtures);

  it('sends the same input_image parts, scaled to 2048 px, with the same notes', async () => {
    const reference = await sendImages('reference');
    const ours = await sendImages('ours');
    assert.deepEqual(ours.violations, []);
    assert.deepEqual(ours.contents, reference.contents);
    // Scaled to fit 2048 px, as the reference does.
    assert.deepEqual((ours.contents[1] as any[]).filter((p) => p.type === 'input_image').map((p) => p.image_url), ['png 2048x683', 'jpeg 256x2048', 'png 2048x49']);
    const portable = (items: any[], cwd: string) => JSON.parse(JSON.stringify(items).split(cwd).join('<cwd>'));
    assert.deepEqual(portable(ours.userItems, ours.cwd), portable(reference.userItems, reference.cwd));
    assert.deepEqual(portable(ours.readFirst, ours.cwd), portable(reference.readFirst, reference.cwd));
    assert.equal(ours.remoteError?.code, reference.remoteError?.code);
    assert.equal(ours.remoteError?.message, reference.remoteError?.message);
  });

  it('a resumed thread shows the images of its user messages again (our server)', async () => {
    const fixture = await startFixture('ours', [reply.text('seen')]);
    fs.writeFileSync(path.join(fixture.cwd, 'shot.png'), small);
    const url = `data:image/png;base64,${small.toString('base64')}`;
    const input = [...textInput('see'), { type: 'localImage', path: path.join(fixture.cwd, 'shot.png') }, { type: 'image', url }];
    const { turn } = await fixture.server.request('turn/start', { threadId: fixture.threadId, input });
    await fixture.server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 60000);
    await fixture.server.stop();
    const server = await AppServerProcess.start('ours', { codexHome: fixture.codexHome, cwd: fixture.cwd });
    try {
      const resumed = await server.request('thread/resume', { threadId: fixture.threadId });
      const content = resumed.thread.turns[0].items.find((i: any) => i.type === 'userMessage').content;
      assert.deepEqual(content.slice(1), [
        { type: 'localImage', path: path.join(fixture.cwd, 'shot.png'), detail: null },
        { type: 'image', url, detail: null },
      ]);
    } finally {
      await server.stop();
    }
  });
});
