import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { blobSha, TurnDiffTracker } from '../../server/diff/turnDiff';
import { makeTempDir } from '../helpers/tempDir';

const tmp = () => makeTempDir('turndiff-unit-');

describe('turn diff tracker', () => {
  it('aggregates several changes to one file against its content before the turn (outside git)', () => {
    const dir = tmp();
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, 'one\ntwo\nthree\n');
    const tracker = new TurnDiffTracker(dir);
    tracker.remember(file);
    fs.writeFileSync(file, 'one\nTWO\nthree\n');
    tracker.remember(file); // second change: the baseline stays the original
    fs.writeFileSync(file, 'one\nTWO\nthree\nfour\n');
    const diff = tracker.diff();
    assert.equal(
      diff,
      [
        'diff --git a/a.txt b/a.txt',
        `index ${blobSha('one\ntwo\nthree\n')}..${blobSha('one\nTWO\nthree\nfour\n')}`,
        '--- a/a.txt',
        '+++ b/a.txt',
        '@@ -1,3 +1,4 @@',
        ' one',
        '-two',
        '+TWO',
        ' three',
        '+four',
        '',
      ].join('\n'),
    );
  });

  it('shows added and deleted files, and nothing once a file is back to its original', () => {
    const dir = tmp();
    const added = path.join(dir, 'new.txt');
    const removed = path.join(dir, 'old.txt');
    const restored = path.join(dir, 'same.txt');
    fs.writeFileSync(removed, 'bye\n');
    fs.writeFileSync(restored, 'same\n');
    const tracker = new TurnDiffTracker(dir);
    for (const f of [added, removed, restored]) tracker.remember(f);
    fs.writeFileSync(added, 'hi\n');
    fs.rmSync(removed);
    fs.writeFileSync(restored, 'changed\n');
    fs.writeFileSync(restored, 'same\n');
    const diff = tracker.diff();
    assert.match(diff, /diff --git a\/new.txt b\/new.txt\nnew file mode 100644\nindex 0{40}\.\.[0-9a-f]{40}\n--- \/dev\/null\n\+\+\+ b\/new.txt\n@@ -0,0 \+1 @@\n\+hi\n/);
    assert.match(diff, /diff --git a\/old.txt b\/old.txt\ndeleted file mode 100644\n[\s\S]*--- a\/old.txt\n\+\+\+ \/dev\/null\n@@ -1 \+0,0 @@\n-bye\n/);
    assert.doesNotMatch(diff, /same.txt/);
  });

  it('uses paths relative to the git root, and blob ids equal to git hash-object', () => {
    const dir = tmp();
    execFileSync('git', ['init', '-q', dir]);
    fs.mkdirSync(path.join(dir, 'src'));
    const file = path.join(dir, 'src', 'x.txt');
    fs.writeFileSync(file, 'a\n');
    const tracker = new TurnDiffTracker(path.join(dir, 'src'));
    tracker.remember(file);
    fs.writeFileSync(file, 'b\n');
    assert.match(tracker.diff(), /^diff --git a\/src\/x.txt b\/src\/x.txt\n/);
    assert.equal(blobSha('b\n'), execFileSync('git', ['hash-object', file], { encoding: 'utf8' }).trim());
  });
});
