/**
 * review/start against the reference and ours, with the same scripted review
 * reply: for each target (uncommitted, base branch, commit, custom), a
 * malformed reply, and a "detached" review (the reference only reviews inline;
 * a separate review is a new thread reviewed inline). Compared: the
 * notification sequence, the items (enteredReviewMode label, exitedReviewMode
 * text, final agent message), the turn ids, and what the model was sent.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Which } from '../helpers/appServerProcess';
import { reply } from '../helpers/scriptedModel';
import { testHome } from '../helpers/tempDir';
import { methodSequence, startFixture, stopFixture, type TurnFixture } from './turnHelpers';

type TargetName = 'uncommitted' | 'base' | 'commit' | 'custom';

// Fixed dates: both servers' repositories get the same commit ids.
const FIXED_DATE = '2026-01-01T00:00:00Z';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: { ...process.env, HOME: testHome(), GIT_AUTHOR_DATE: FIXED_DATE, GIT_COMMITTER_DATE: FIXED_DATE } }).toString();

/** A repository with `main` (a.txt), a `feature` branch adding b.txt, and an uncommitted edit of a.txt. */
function makeRepository(cwd: string): { sha: string } {
  git(cwd, 'init', '-q', '-b', 'main');
  git(cwd, 'add', '.');
  git(cwd, 'commit', '-qm', 'first');
  git(cwd, 'checkout', '-qb', 'feature');
  fs.writeFileSync(path.join(cwd, 'b.txt'), 'bee\n');
  git(cwd, 'add', '.');
  git(cwd, 'commit', '-qm', 'add b');
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'one\nTWO\nthree\n');
  fs.writeFileSync(path.join(cwd, 'new.txt'), 'untracked\n');
  return { sha: git(cwd, 'rev-parse', 'HEAD').trim() };
}

function findingsJson(cwd: string): string {
  return JSON.stringify({
    findings: [
      { title: '[P1] Uppercase two', body: 'Why uppercase?', confidence_score: 0.8, priority: 1, code_location: { absolute_file_path: path.join(cwd, 'a.txt'), line_range: { start: 2, end: 2 } } },
      { title: '[P3] New file', body: 'First line\nsecond line', confidence_score: 0.4, priority: 3, code_location: { absolute_file_path: path.join(cwd, 'b.txt'), line_range: { start: 1, end: 1 } } },
    ],
    overall_correctness: 'patch is incorrect',
    overall_explanation: 'Two issues.',
    overall_confidence_score: 0.7,
  });
}

function targetOf(name: TargetName, sha: string) {
  switch (name) {
    case 'uncommitted':
      return { type: 'uncommittedChanges' };
    case 'base':
      return { type: 'baseBranch', branch: 'main' };
    case 'commit':
      return { type: 'commit', sha, title: 'add b' };
    case 'custom':
      return { type: 'custom', instructions: 'Check the spelling.' };
  }
}

interface Run {
  result: any;
  fixture: TurnFixture;
  sequence: string[];
  notifications: { method: string; params: any }[];
  requests: any[];
  read: any;
  cwd: string;
}

async function record(which: Which, targetName: TargetName, answer: (cwd: string) => string, options: { detached?: boolean } = {}): Promise<Run> {
  const fixture = await startFixture(which, [], { files: { 'a.txt': 'one\ntwo\nthree\n' } });
  try {
    const { sha } = makeRepository(fixture.cwd);
    fixture.model.enqueue(reply.text(answer(fixture.cwd)));
    let threadId = fixture.threadId;
    if (options.detached) {
      // A separate review thread, as the reference's schema says: start one and review there.
      threadId = (await fixture.server.request('thread/start', { cwd: fixture.cwd })).thread.id;
      fixture.server.clearNotifications();
    }
    const result = await fixture.server.request('review/start', { threadId, target: targetOf(targetName, sha) });
    await fixture.server.waitFor('turn/completed', (p) => p.turn.id === result.turn.id, 60000);
    await new Promise((r) => setTimeout(r, 200));
    // Taken before thread/read: the reference answers it with a deprecationNotice (full-history reads).
    const sequence = methodSequence(fixture.server.methods());
    const notifications = [...fixture.server.notifications];
    const read = await fixture.server.request('thread/read', { threadId, includeTurns: true });
    assert.deepEqual(fixture.server.violations, [], `${which}: schema violations`);
    return {
      result,
      fixture,
      sequence,
      notifications,
      requests: fixture.model.modelRequests.map((r) => r.body),
      read,
      cwd: fixture.cwd,
    };
  } finally {
    await stopFixture(fixture);
  }
}

const completedItems = (run: Run) => run.notifications.filter((n) => n.method === 'item/completed').map((n) => n.params);
/** Item kinds and texts, with each run's own cwd written as <cwd>. */
function portableItems(run: Run) {
  const strip = (text: string) => text.split(run.cwd).join('<cwd>');
  return completedItems(run).map(({ item }) => ({
    type: item.type,
    text: item.type === 'userMessage' ? undefined : strip(item.review ?? item.text ?? ''),
  }));
}

/** The turn-id relations the reference shows: items and turn/completed carry the returned turn id; turn/started a sub-turn rooted at it. */
function checkTurnIds(run: Run, threadId: string) {
  const turnId = run.result.turn.id;
  assert.equal(run.result.reviewThreadId, threadId);
  assert.equal(run.result.turn.status, 'inProgress');
  assert.equal(run.result.turn.items[0].id, turnId);
  for (const { turnId: itemTurn } of completedItems(run)) assert.equal(itemTurn, turnId);
  const started = run.notifications.find((n) => n.method === 'turn/started')!.params.turn;
  assert.notEqual(started.id, turnId);
  assert.equal(started.rootTurnId, turnId);
  const completed = run.notifications.find((n) => n.method === 'turn/completed')!.params.turn;
  assert.equal(completed.id, turnId);
  assert.equal(completed.status, 'completed');
}

async function compare(targetName: TargetName, answer: (cwd: string) => string, options: { detached?: boolean } = {}) {
  const reference = await record('reference', targetName, answer, options);
  const ours = await record('ours', targetName, answer, options);
  assert.deepEqual(ours.sequence, reference.sequence);
  assert.deepEqual(ours.result.turn.items[0].content, reference.result.turn.items[0].content, 'the label in the response');
  assert.deepEqual(portableItems(ours), portableItems(reference));
  checkTurnIds(reference, reference.result.reviewThreadId);
  checkTurnIds(ours, ours.result.reviewThreadId);
  // The finished review is in the thread as the reference keeps it: markers and the final message.
  const kinds = (run: Run) => run.read.thread.turns.flatMap((t: any) => t.items.map((i: any) => i.type)).filter((t: string) => t !== 'userMessage');
  assert.deepEqual(kinds(ours), kinds(reference));
  return { reference, ours };
}

/** Our model request: the review instructions, the git diff of the target, the request. */
function ourRequestText(run: Run): string {
  const body = run.requests[0];
  return [body.instructions, ...body.input.map((item: any) => (item.content ?? []).map((c: any) => c.text ?? '').join(''))].join('\n');
}

describe('review/start, compared with the reference', function () {
  this.timeout(180000);

  it('uncommitted changes: the findings, and the diff from git (tracked and untracked) sent to the model', async () => {
    const { ours, reference } = await compare('uncommitted', findingsJson);
    const exited = completedItems(ours).find((p) => p.item.type === 'exitedReviewMode')!.item.review;
    assert.match(exited, /^Two issues\.\n\nFull review comments:\n\n- \[P1\] Uppercase two — .*a\.txt:2-2\n {2}Why uppercase\?\n\n- \[P3\] New file — .*b\.txt:1-1\n {2}First line\n {2}second line$/);
    const text = ourRequestText(ours);
    assert.match(text, /"overall_correctness"/);
    assert.match(text, /-two\n\+TWO/);
    assert.match(text, /\+\+\+ b\/new\.txt/);
    // The reference's model has tools to run git itself; ours gets the same tools.
    const toolNames = (run: Run) => run.requests[0].tools.map((t: any) => t.name ?? t.type);
    assert.ok(toolNames(ours).includes('exec_command'));
    assert.ok(toolNames(reference).includes('exec_command'));
  });

  it('against a base branch: the diff from the merge base', async () => {
    const { ours } = await compare('base', findingsJson);
    const text = ourRequestText(ours);
    assert.match(text, /against 'main' \(merge base [0-9a-f]{40}/);
    assert.match(text, /\+\+\+ b\/b\.txt/);
  });

  it('a commit, with its title', async () => {
    const { ours } = await compare('commit', findingsJson);
    assert.match(ours.result.turn.items[0].content[0].text, /^commit [0-9a-f]{7}: add b$/);
    const text = ourRequestText(ours);
    assert.match(text, /\+\+\+ b\/b\.txt/);
    assert.doesNotMatch(text, /\+TWO/, 'only the commit, not the working tree');
  });

  it('custom instructions', async () => {
    const { ours } = await compare('custom', findingsJson);
    assert.equal(completedItems(ours).find((p) => p.item.type === 'userMessage')!.item.content[0].text, 'Check the spelling.');
  });

  it('a malformed reply ends the review cleanly with the text as is', async () => {
    const { ours } = await compare('uncommitted', () => 'Just prose, and {"findings": [{"title": "cut off"');
    assert.equal(completedItems(ours).find((p) => p.item.type === 'exitedReviewMode')!.item.review, 'Just prose, and {"findings": [{"title": "cut off"');
  });

  it('a detached review: a new thread reviewed inline; delivery "detached" is refused like the reference', async () => {
    await compare('uncommitted', findingsJson, { detached: true });
    const codes: Record<string, number> = {};
    for (const which of ['reference', 'ours'] as const) {
      const fixture = await startFixture(which, []);
      try {
        await fixture.server.request('review/start', { threadId: fixture.threadId, target: { type: 'uncommittedChanges' }, delivery: 'detached' }).then(
          () => assert.fail('accepted'),
          (error) => (codes[which] = error.code),
        );
      } finally {
        await stopFixture(fixture);
      }
    }
    assert.equal(codes.ours, codes.reference);
  });
});

describe('review/start, bad requests (ours)', function () {
  this.timeout(60000);

  it('an unknown target type or an empty branch is invalid params; a review while a turn runs is refused; nothing is lost', async () => {
    const fixture = await startFixture('ours', [{ ...reply.text('slow answer'), initialDelayMs: 1500 }]);
    try {
      const codeOf = (params: object) => fixture.server.request('review/start', params).then(() => 0, (error) => error.code as number);
      assert.equal(await codeOf({ threadId: fixture.threadId, target: { type: 'everything' } }), -32602);
      assert.equal(await codeOf({ threadId: fixture.threadId, target: { type: 'baseBranch', branch: ' ' } }), -32602);
      const { turn } = await fixture.server.request('turn/start', { threadId: fixture.threadId, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
      assert.equal(await codeOf({ threadId: fixture.threadId, target: { type: 'uncommittedChanges' } }), -32600);
      const completed = await fixture.server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 20000);
      assert.equal(completed.params.turn.status, 'completed', 'the running turn went on undisturbed');
      assert.deepEqual(fixture.server.violations, []);
    } finally {
      await stopFixture(fixture);
    }
  });
});
