/**
 * The same scripted model drives the reference codex app-server and ours;
 * the notification-method sequences must match. Filtered as reference-only
 * noise (REFERENCE_ONLY in turnHelpers): `account/rateLimits/updated` (ChatGPT
 * account bookkeeping), `thread/readState/changed` (unread markers),
 * `warning` (the reference warns that `mock-model` has no model metadata) and a
 * late `thread/started`. Streaming deltas are collapsed because their count
 * follows the chunking. `thread/tokenUsage/updated` is compared by count only:
 * the reference runs a tool while it still reads the response stream, so its
 * usage update lands before or after a fast tool's item/completed depending on
 * timing (both orders were observed). `item/commandExecution/outputDelta` is
 * left out too: for a command that ends within milliseconds the reference
 * sometimes sends no delta at all (the aggregated outputs are compared instead). The patch case goes through an `apply_patch` heredoc in
 * exec_command because the reference does not offer apply_patch as a tool to
 * providers without model metadata.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Which } from '../helpers/appServerProcess';
import { findGitRoot, nearestDotGitEntry } from '../../shared/gitRoot';
import { reply, type ScriptedReply } from '../helpers/scriptedModel';
import { methodSequence, runTurn, startFixture, stopFixture } from './turnHelpers';

interface Scenario {
  replies: () => ScriptedReply[];
  options?: Parameters<typeof startFixture>[2];
  approve?: string;
}

async function record(which: Which, scenario: Scenario) {
  const fixture = await startFixture(which, scenario.replies(), scenario.options);
  try {
    if (scenario.approve) {
      fixture.server.onServerRequest('item/commandExecution/requestApproval', () => ({ decision: scenario.approve }));
      fixture.server.onServerRequest('item/fileChange/requestApproval', () => ({ decision: scenario.approve }));
    }
    const turn = await runTurn(fixture);
    await new Promise((r) => setTimeout(r, 200));
    return {
      turn,
      sequence: methodSequence(fixture.server.methods()),
      notifications: fixture.server.notifications,
      serverRequests: fixture.server.serverRequests.map((r) => r.method),
      violations: fixture.server.violations,
      cwd: fixture.cwd,
    };
  } finally {
    await stopFixture(fixture);
  }
}

async function compare(scenario: Scenario) {
  const reference = await record('reference', scenario);
  const ours = await record('ours', scenario);
  assert.deepEqual(ours.violations, []);
  assert.deepEqual(reference.violations, []);
  const withoutUsage = (sequence: string[]) => sequence.filter((m) => m !== 'thread/tokenUsage/updated' && m !== 'item/commandExecution/outputDelta');
  const usageCount = (sequence: string[]) => sequence.filter((m) => m === 'thread/tokenUsage/updated').length;
  assert.deepEqual(withoutUsage(ours.sequence), withoutUsage(reference.sequence));
  assert.equal(usageCount(ours.sequence), usageCount(reference.sequence));
  assert.deepEqual(ours.serverRequests, reference.serverRequests);
  assert.equal(ours.turn.status, reference.turn.status);
  return { reference, ours };
}

/**
 * The reference roots its diff paths at ANY `.git` above the cwd, an empty
 * placeholder (a stray /tmp/.git left by a killed sandbox) included; ours
 * ignores placeholders. Outside a real repository, read its paths back
 * relative to the cwd (a no-op on a clean machine).
 */
function relativeToCwd(diff: string, cwd: string): string {
  const naive = nearestDotGitEntry(cwd);
  if (!naive || findGitRoot(cwd)) return diff;
  const prefix = path.relative(naive, cwd).split(path.sep).join('/');
  return prefix ? diff.split(`a/${prefix}/`).join('a/').split(`b/${prefix}/`).join('b/') : diff;
}

const itemsOf = (run: { notifications: { method: string; params: any }[] }, type: string) =>
  run.notifications.filter((n) => n.method === 'item/completed' && n.params.item.type === type).map((n) => n.params.item);

describe('comparison with the reference app-server (same scripted model)', function () {
  this.timeout(120000);

  it('text reply with reasoning', async () => {
    const { reference, ours } = await compare({
      replies: () => [{ items: [{ type: 'reasoning', summary: ['Thinking', 'More'] }, { type: 'message', text: 'Hello from the scripted model.' }] }],
    });
    assert.deepEqual(itemsOf(ours, 'agentMessage').map((i) => i.text), itemsOf(reference, 'agentMessage').map((i) => i.text));
    assert.deepEqual(itemsOf(ours, 'reasoning').map((i) => i.summary), itemsOf(reference, 'reasoning').map((i) => i.summary));
  });

  it('a command', async () => {
    const { reference, ours } = await compare({
      replies: () => [reply.call('exec_command', { cmd: 'echo hello; exit 3' }, 'call_c'), reply.call('exec_command', { cmd: 'cat a.txt | head' }, 'call_r'), reply.text('done')],
      options: { files: { 'a.txt': 'file text\n' } },
    });
    const refItems = itemsOf(reference, 'commandExecution');
    const ourItems = itemsOf(ours, 'commandExecution');
    assert.equal(ourItems.length, 2);
    const portable = (actions: any[], cwd: string) => actions.map((a) => (a.type === 'read' ? { ...a, path: path.relative(cwd, a.path) } : a));
    ourItems.forEach((our, i) => {
      const ref = refItems[i];
      for (const key of ['id', 'status', 'exitCode', 'source'] as const) assert.deepEqual(our[key], ref[key], key);
      assert.deepEqual(portable(our.commandActions, ours.cwd), portable(ref.commandActions, reference.cwd));
      assert.equal(our.aggregatedOutput.trim(), ref.aggregatedOutput.trim());
    });
  });

  it('a patch (apply_patch heredoc)', async () => {
    const cmd = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: c.txt\n+new\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n*** End Patch\nEOF\n";
    const scenario: Scenario = { replies: () => [reply.call('exec_command', { cmd }, 'call_p'), reply.text('done')], options: { files: { 'a.txt': 'one\ntwo\nthree\n' } } };
    const { reference, ours } = await compare(scenario);
    // The reference lists a patch's changes in no fixed order (it keeps them in a hash map).
    const strip = (item: any, cwd: string) =>
      item.changes.map((c: any) => ({ ...c, path: path.relative(cwd, c.path) })).sort((a: any, b: any) => a.path.localeCompare(b.path));
    const [ref] = itemsOf(reference, 'fileChange');
    const [our] = itemsOf(ours, 'fileChange');
    assert.deepEqual(strip(our, ours.cwd), strip(ref, reference.cwd), 'same paths, kinds and per-file diffs');
    const lastDiff = (run: typeof ours) => run.notifications.filter((n) => n.method === 'turn/diff/updated').pop()!.params.diff;
    assert.equal(lastDiff(ours), relativeToCwd(lastDiff(reference), reference.cwd));
    assert.equal(fs.readFileSync(path.join(ours.cwd, 'a.txt'), 'utf8'), 'one\nTWO\nthree\n');
  });

  it('a failed model request', async () => {
    const { reference, ours } = await compare({ replies: () => [reply.status(500)] });
    assert.equal(ours.turn.status, 'failed');
    const info = (run: typeof ours) => run.notifications.find((n) => n.method === 'error')!.params.error.codexErrorInfo;
    assert.deepEqual(info(ours), info(reference));
  });

  it('a declined approval', async () => {
    const { reference, ours } = await compare({
      replies: () => [reply.call('exec_command', { cmd: 'touch x.txt', sandbox_permissions: 'require_escalated', justification: 'need' }, 'call_d'), reply.text('done')],
      options: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
      approve: 'decline',
    });
    assert.equal(itemsOf(ours, 'commandExecution')[0].status, itemsOf(reference, 'commandExecution')[0].status);
    assert.equal(fs.existsSync(path.join(ours.cwd, 'x.txt')), false);
  });

  it('an accepted approval', async () => {
    const { ours } = await compare({
      replies: () => [reply.call('exec_command', { cmd: 'touch y.txt', sandbox_permissions: 'require_escalated', justification: 'need' }, 'call_a'), reply.text('done')],
      options: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
      approve: 'accept',
    });
    assert.equal(fs.existsSync(path.join(ours.cwd, 'y.txt')), true);
  });
});
