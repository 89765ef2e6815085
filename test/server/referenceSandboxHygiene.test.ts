/**
 * Test hygiene: the reference's sandbox creates read-only placeholder
 * folders (`.git`, `.codex`, …) in every writable root and can leave them
 * behind when killed. With the test helpers' environment (TMPDIR inside the
 * test's CODEX_HOME, /tmp excluded by the scripted config) those roots are
 * the test's own folders only, so no stray `/tmp/.git` can come from our suite.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { reply } from '../helpers/scriptedModel';
import { startFixture, stopStartedFixtures } from './turnHelpers';

describe('reference sandbox placeholders stay inside the test folders', function () {
  this.timeout(60000);
  afterEach(stopStartedFixtures);

  it('TMPDIR is inside CODEX_HOME, /tmp is not writable, placeholders appear only in the cwd and TMPDIR', async () => {
    const cmd = 'echo "TMPDIR=$TMPDIR"; touch /tmp/codex-hygiene-probe-$$ 2>/dev/null && echo "TMP=writable" || echo "TMP=read-only"; for d in . "$TMPDIR"; do [ -d "$d/.git" ] && echo "PLACEHOLDER=$d"; done; true';
    const fixture = await startFixture('reference', [reply.call('exec_command', { cmd, login: false }, 'call_h'), reply.text('done')], { approvalPolicy: 'never', sandboxMode: 'workspace-write' });
    const { server, threadId, codexHome } = fixture;
    await server.request('turn/start', { threadId, input: [{ type: 'text', text: 'go', text_elements: [] }] });
    await server.waitFor('turn/completed', undefined, 40000);
    const output: string = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item.aggregatedOutput;
    const value = (key: string) => [...output.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
    assert.deepEqual(value('TMPDIR'), [path.join(codexHome, 'tmp')], output);
    assert.deepEqual(value('TMP'), ['read-only'], 'the sandbox did not make /tmp a writable root');
    // Inside the sandbox both writable roots carry the placeholders: the check above is not vacuous.
    assert.deepEqual(value('PLACEHOLDER'), ['.', path.join(codexHome, 'tmp')], output);
    assert.deepEqual(server.violations, []);
  });
});
