/**
 * The review core against real `turn/diff/updated` notifications and
 * `thread/read` history from the reference codex app-server, driven by the
 * scripted model applying a patch (added, deleted, renamed, modified files),
 * inside and outside git, and across a server restart.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { reconstructFromFileChanges } from '../../extension/diff/core/baseline';
import { type FileUpdateChange } from '../../protocol';
import { diffPathResolver, readTextFile } from '../../extension/diff/core/diffRoot';
import { ReviewStore, reviewKind } from '../../extension/diff/core/reviewStore';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';

const A_BEFORE = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n';
const A_AFTER = 'one\nTWO\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten!\neleven\n';

const PATCH = `*** Begin Patch
*** Update File: a.txt
@@
 one
-two
+TWO
 three
@@
 eight
 nine
-ten
+ten!
+eleven
*** Add File: sub/new.txt
+hello
+world
*** Delete File: gone.txt
*** Update File: old.txt
*** Move to: moved/new-name.txt
@@
-moving
+moved
*** End Patch`;

/** The reference applies patches the model sends through its shell tool (`apply_patch <<EOF`). */
const applyPatchCall = (patch: string) => reply.call('exec_command', { cmd: `apply_patch <<'EOF'\n${patch}\nEOF\n` });

function layout(dir: string): void {
  fs.writeFileSync(path.join(dir, 'a.txt'), A_BEFORE);
  fs.writeFileSync(path.join(dir, 'gone.txt'), 'bye\n');
  fs.writeFileSync(path.join(dir, 'old.txt'), 'moving\n');
}

function fileChanges(thread: any, turnId: string): FileUpdateChange[] {
  const turn = thread.turns.find((t: any) => t.id === turnId);
  return turn.items.filter((i: any) => i.type === 'fileChange').flatMap((i: any) => i.changes);
}

describe('diff review against the reference app-server', function () {
  this.timeout(90000);
  let model: ScriptedModel;
  beforeEach(async () => {
    model = await new ScriptedModel().start();
  });
  afterEach(async () => {
    await model.stop();
  });

  async function runTurn(codexHome: string, cwd: string, ...replies: ReturnType<typeof reply.text>[]) {
    model.writeConfig(codexHome);
    model.enqueue(...replies, reply.text('done'));
    const server = await AppServerProcess.start('reference', { codexHome, cwd });
    const { thread } = await server.request('thread/start', { cwd });
    const { turn } = await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'edit', text_elements: [] }] });
    await server.waitFor('turn/completed', undefined, 60000);
    assert.deepEqual(server.violations, []);
    return { server, threadId: thread.id as string, turnId: turn.id as string };
  }

  for (const inGit of [false, true]) {
    it(`tracks added, deleted, renamed and modified files ${inGit ? 'in a git repository' : 'in a folder outside git'}, and rebuilds them after a restart`, async () => {
      const codexHome = makeTempDir('codex-home-');
      const cwd = makeTempDir('diff-ws-');
      if (inGit) execFileSync('git', ['init', '-q'], { cwd });
      layout(cwd);
      const { server, threadId, turnId } = await runTurn(codexHome, cwd, applyPatchCall(PATCH));
      const updates = server.notifications.filter((n) => n.method === 'turn/diff/updated');
      assert.ok(updates.length > 0, 'the reference sent turn/diff/updated');
      await server.stop();

      const store = new ReviewStore(readTextFile);
      const last = updates[updates.length - 1].params;
      assert.equal(last.threadId, threadId);
      const { errors } = store.applyTurnDiff({ threadId, turnId: last.turnId }, last.diff, diffPathResolver(cwd));
      assert.deepEqual(errors, []);
      const summary = store.list().map((f) => [path.relative(cwd, f.key), reviewKind(f), f.reviewBase]);
      assert.deepEqual(summary, [
        ['a.txt', 'modified', A_BEFORE],
        ['gone.txt', 'deleted', 'bye\n'],
        ['moved/new-name.txt', 'renamed', 'moving\n'],
        ['sub/new.txt', 'added', undefined],
      ]);
      assert.deepEqual(store.counts(path.join(cwd, 'a.txt')), { added: 3, removed: 2 });
      assert.equal(store.hunks(path.join(cwd, 'a.txt')).length, 2);

      // A new server process (the restart) still serves the turn's file changes.
      const restarted = await AppServerProcess.start('reference', { codexHome, cwd });
      try {
        const { thread } = await restarted.request('thread/read', { threadId, includeTurns: true });
        const states = reconstructFromFileChanges(fileChanges(thread, turnId), readTextFile);
        const rebuilt = new ReviewStore(readTextFile);
        rebuilt.restore([{ threadId, turnId }], states);
        assert.deepEqual(
          rebuilt.list().map((f) => [path.relative(cwd, f.key), reviewKind(f), f.reviewBase, f.agentText]),
          store.list().map((f) => [path.relative(cwd, f.key), reviewKind(f), f.reviewBase, f.agentText]),
        );
        assert.deepEqual(restarted.violations, []);
      } finally {
        await restarted.stop();
      }
    });
  }

  it('keeps the pre-turn baseline across two patches in one turn, from a subfolder of a repository', async () => {
    const codexHome = makeTempDir('codex-home-');
    const repo = makeTempDir('diff-repo-');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const cwd = path.join(repo, 'pkg');
    fs.mkdirSync(cwd);
    fs.writeFileSync(path.join(cwd, 'x.txt'), 'a\nb\nc\n');
    const first = '*** Begin Patch\n*** Update File: x.txt\n@@\n a\n-b\n+B\n c\n*** End Patch';
    const second = '*** Begin Patch\n*** Update File: x.txt\n@@\n B\n-c\n+C\n*** End Patch';
    const { server, threadId } = await runTurn(codexHome, cwd, applyPatchCall(first), applyPatchCall(second));
    await server.stop();
    const updates = server.notifications.filter((n) => n.method === 'turn/diff/updated').map((n) => n.params);
    assert.ok(updates.length >= 2);
    const store = new ReviewStore(readTextFile);
    // Fed in order after the fact: the earliest diffs no longer match the disk and are reported, the last one wins.
    for (const update of updates) store.applyTurnDiff({ threadId, turnId: update.turnId }, update.diff, diffPathResolver(cwd));
    const file = store.get(path.join(cwd, 'x.txt'))!;
    assert.ok(file, `x.txt tracked (diff paths: ${updates[updates.length - 1].diff.split('\n')[0]})`);
    assert.equal(file.reviewBase, 'a\nb\nc\n');
    assert.equal(file.agentText, 'a\nB\nC\n');
  });
});
