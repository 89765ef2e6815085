import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { applyPlan, extractHeredocPatch, parsePatch, PatchError, planPatch, summarizeChanges } from '../../server/tools/applyPatch';
import { makeTempDir } from '../helpers/tempDir';

const tmp = () => makeTempDir('patch-unit-');
const apply = (dir: string, patch: string) => {
  const plan = planPatch(parsePatch(patch), dir);
  applyPlan(plan);
  return plan;
};

describe('apply_patch format', () => {
  it('adds, deletes, updates and moves files', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'a\nb\nc\n');
    fs.writeFileSync(path.join(dir, 'gone.txt'), 'bye\n');
    fs.writeFileSync(path.join(dir, 'old.txt'), 'x\ny\n');
    const plan = apply(
      dir,
      [
        '*** Begin Patch',
        '*** Add File: nested/new.txt',
        '+hello',
        '+world',
        '*** Delete File: gone.txt',
        '*** Update File: keep.txt',
        '@@',
        ' a',
        '-b',
        '+B',
        ' c',
        '*** Update File: old.txt',
        '*** Move to: moved/new-name.txt',
        '@@',
        ' x',
        '-y',
        '+z',
        '*** End Patch',
      ].join('\n'),
    );
    assert.equal(fs.readFileSync(path.join(dir, 'nested/new.txt'), 'utf8'), 'hello\nworld\n');
    assert.equal(fs.existsSync(path.join(dir, 'gone.txt')), false);
    assert.equal(fs.readFileSync(path.join(dir, 'keep.txt'), 'utf8'), 'a\nB\nc\n');
    assert.equal(fs.existsSync(path.join(dir, 'old.txt')), false);
    assert.equal(fs.readFileSync(path.join(dir, 'moved/new-name.txt'), 'utf8'), 'x\nz\n');
    assert.equal(summarizeChanges(plan, dir), 'Success. Updated the following files:\nA nested/new.txt\nD gone.txt\nM keep.txt\nM moved/new-name.txt\n');
    assert.equal(plan[2].diff, "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  });

  it('uses @@ anchors to pick the right occurrence and tolerates trailing whitespace', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'f.py'), 'def a():\n    return 1\n\ndef b():\n    return 1   \n');
    apply(dir, '*** Begin Patch\n*** Update File: f.py\n@@ def b():\n-    return 1\n+    return 2\n*** End Patch');
    assert.equal(fs.readFileSync(path.join(dir, 'f.py'), 'utf8'), 'def a():\n    return 1\n\ndef b():\n    return 2\n');
  });

  it('anchors *** End of File hunks at the end', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'f.txt'), 'x\nend\nx\nend\n');
    apply(dir, '*** Begin Patch\n*** Update File: f.txt\n@@\n x\n-end\n+END\n*** End of File\n*** End Patch');
    assert.equal(fs.readFileSync(path.join(dir, 'f.txt'), 'utf8'), 'x\nend\nx\nEND\n');
  });

  it('rejects malformed patches and missing context without touching files', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'f.txt'), 'one\n');
    assert.throws(() => parsePatch('*** Update File: f.txt\n'), PatchError);
    assert.throws(() => parsePatch('*** Begin Patch\n*** Frobnicate: x\n*** End Patch'), /not a valid hunk header/);
    assert.throws(() => planPatch(parsePatch('*** Begin Patch\n*** Update File: f.txt\n@@\n-nope\n+yes\n*** End Patch'), dir), /Failed to find expected lines/);
    assert.throws(() => planPatch(parsePatch('*** Begin Patch\n*** Delete File: missing.txt\n*** End Patch'), dir), /Failed to read/);
    assert.equal(fs.readFileSync(path.join(dir, 'f.txt'), 'utf8'), 'one\n');
  });

  it('recognizes apply_patch heredocs (with and without cd)', () => {
    const body = '*** Begin Patch\n*** Add File: a\n+x\n*** End Patch';
    assert.deepEqual(extractHeredocPatch(`apply_patch <<'EOF'\n${body}\nEOF\n`), { patch: body, cd: null });
    assert.deepEqual(extractHeredocPatch(`cd sub && apply_patch <<"PATCH"\n${body}\nPATCH`), { patch: body, cd: 'sub' });
    assert.equal(extractHeredocPatch('echo apply_patch'), null);
    assert.equal(extractHeredocPatch(`apply_patch <<'EOF'\n${body}\nEOF\necho more`), null);
  });
});
