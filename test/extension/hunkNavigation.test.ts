import assert from 'node:assert/strict';
import { adjacentHunk, firstHunk } from '../../extension/diff/core/hunkNavigation';

const files = [
  { key: '/w/a.ts', lines: [3, 20] },
  { key: '/w/deleted.ts', lines: [] },
  { key: '/w/b.ts', lines: [0] },
];

describe('next/previous hunk across files', () => {
  it('"Review changes" starts at the first hunk of the first changed file', () => {
    assert.deepEqual(firstHunk(files), { key: '/w/a.ts', line: 3 });
    assert.equal(firstHunk([{ key: '/w/x', lines: [] }]), undefined);
  });

  it('moves within a file, then on to the next file, wrapping at the ends', () => {
    assert.deepEqual(adjacentHunk(files, { key: '/w/a.ts', line: 0 }, 1), { key: '/w/a.ts', line: 3 });
    assert.deepEqual(adjacentHunk(files, { key: '/w/a.ts', line: 3 }, 1), { key: '/w/a.ts', line: 20 });
    assert.deepEqual(adjacentHunk(files, { key: '/w/a.ts', line: 20 }, 1), { key: '/w/b.ts', line: 0 }, 'skips a file without hunks');
    assert.deepEqual(adjacentHunk(files, { key: '/w/b.ts', line: 0 }, 1), { key: '/w/a.ts', line: 3 }, 'wraps to the first file');
    assert.deepEqual(adjacentHunk(files, { key: '/w/a.ts', line: 20 }, -1), { key: '/w/a.ts', line: 3 });
    assert.deepEqual(adjacentHunk(files, { key: '/w/a.ts', line: 3 }, -1), { key: '/w/b.ts', line: 0 }, 'wraps back to the last file');
    assert.deepEqual(adjacentHunk(files, { key: '/w/b.ts', line: 5 }, -1), { key: '/w/b.ts', line: 0 });
    assert.deepEqual(adjacentHunk(files, { key: '/w/b.ts', line: 0 }, -1), { key: '/w/a.ts', line: 20 }, 'the previous file\'s last hunk');
  });

  it('from a file outside the review: the first hunk forward, the last backward', () => {
    assert.deepEqual(adjacentHunk(files, { key: '/w/other.ts', line: 9 }, 1), { key: '/w/a.ts', line: 3 });
    assert.deepEqual(adjacentHunk(files, undefined, -1), { key: '/w/b.ts', line: 0 });
    assert.equal(adjacentHunk([], undefined, 1), undefined);
  });
});
