import assert from 'node:assert/strict';
import { dateGroupOf, relativeTime, statusPresentation, threadLabel, ThreadListModel, type ThreadSummary } from '../../extension/threads/threadModel';
import { note } from '../helpers/notifications';

const NOW = new Date(2026, 10, 21, 10, 0, 0); // local time, 10:00
const at = (date: Date) => Math.floor(date.getTime() / 1000);

function thread(id: string, updated: Date, extra: Partial<ThreadSummary> = {}): ThreadSummary {
  return { id, name: null, preview: `preview ${id}`, createdAt: at(updated), updatedAt: at(updated), status: { type: 'notLoaded' }, path: `/tmp/${id}.jsonl`, cwd: '/w', ...extra };
}

describe('threads tree logic', () => {
  it('groups by local calendar day', () => {
    assert.equal(dateGroupOf(at(new Date(2026, 10, 21, 0, 0, 1)), NOW), 'Today');
    assert.equal(dateGroupOf(at(new Date(2026, 10, 20, 23, 59, 59)), NOW), 'Yesterday');
    assert.equal(dateGroupOf(at(new Date(2026, 10, 20, 0, 0, 0)), NOW), 'Yesterday');
    assert.equal(dateGroupOf(at(new Date(2026, 10, 19, 23, 59, 59)), NOW), 'Earlier');
  });

  it('formats relative times', () => {
    const s = at(NOW);
    assert.equal(relativeTime(s - 10, NOW), 'just now');
    assert.equal(relativeTime(s - 5 * 60, NOW), '5 min ago');
    assert.equal(relativeTime(s - 3 * 3600, NOW), '3 h ago');
    assert.equal(relativeTime(s - 2 * 86400, NOW), '2 d ago');
    assert.match(relativeTime(s - 30 * 86400, NOW), /^2026-10-2\d$/);
    assert.equal(relativeTime(s + 100, NOW), 'just now', 'clock skew never shows a negative age');
  });

  it('labels with the name, else the first preview line, truncated', () => {
    assert.equal(threadLabel(thread('a', NOW, { name: 'Named' })), 'Named');
    assert.equal(threadLabel(thread('a', NOW, { preview: '\n  first line\nsecond' })), 'first line');
    assert.equal(threadLabel(thread('a', NOW, { preview: '' })), '(empty thread)');
    // What the user typed, never the context /ide adds (whole, or cut off by the preview's length limit).
    assert.equal(threadLabel(thread('a', NOW, { preview: 'what does this do? <ide_context> # IDE context (from the user… </ide_context>' })), 'what does this do?');
    assert.equal(threadLabel(thread('a', NOW, { preview: 'what does this do? <ide_context> # IDE context (from the use' })), 'what does this do?');
    const long = threadLabel(thread('a', NOW, { preview: 'x'.repeat(200) }));
    assert.equal(long.length, 80);
    assert.ok(long.endsWith('…'));
  });

  it('shows a spinner while active and distinguishes error', () => {
    assert.equal(statusPresentation({ type: 'active', activeFlags: [] }).icon, 'loading~spin');
    assert.equal(statusPresentation({ type: 'active', activeFlags: ['waitingOnApproval'] }).text, 'waiting for approval');
    assert.equal(statusPresentation({ type: 'systemError' }).kind, 'error');
    assert.equal(statusPresentation({ type: 'idle' }).kind, 'idle');
  });

  it('builds Today / Yesterday / Earlier groups, Load more and Archived from pages', async () => {
    const pages: Record<string, any> = {
      'false:null': { data: [thread('t1', NOW), thread('y1', new Date(2026, 10, 20, 9))], nextCursor: 'c2' },
      'false:c2': { data: [thread('e1', new Date(2026, 9, 1))], nextCursor: null },
      'true:null': { data: [thread('a1', new Date(2026, 9, 1))], nextCursor: null },
    };
    const calls: any[] = [];
    const model = new ThreadListModel(async (method, params: any) => {
      calls.push({ method, params });
      return pages[`${params.archived}:${params.cursor}`];
    });
    await model.refresh();
    let nodes = model.nodes(NOW);
    assert.deepEqual(
      nodes.map((n) => (n.kind === 'group' ? n.label : n.kind)),
      ['Today', 'Yesterday', 'loadMore', 'archivedSection'],
    );
    await model.loadMore(false);
    nodes = model.nodes(NOW);
    assert.deepEqual(
      nodes.map((n) => (n.kind === 'group' ? n.label : n.kind)),
      ['Today', 'Yesterday', 'Earlier', 'archivedSection'],
    );
    assert.equal(calls[0].method, 'thread/list');
    assert.equal(calls[0].params.sortKey, 'updated_at');

    model.applyNotification(...note('thread/archived', { threadId: 't1' }));
    assert.ok(model.archivedThreads.some((t) => t.id === 't1'));
    assert.ok(!model.activeThreads.some((t) => t.id === 't1'));
    assert.equal(model.applyNotification(...note('thread/name/updated', { threadId: 'missing', threadName: 'x' })), false);
  });

  it('reports a listing failure in the tree instead of throwing', async () => {
    const model = new ThreadListModel(async () => {
      throw new Error('boom');
    });
    await model.refresh();
    const nodes = model.nodes(NOW);
    assert.equal(nodes[0].kind, 'message');
    assert.match((nodes[0] as any).text, /boom/);
  });
});
