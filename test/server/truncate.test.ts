import assert from 'node:assert/strict';
import { approxTokenCount, truncateMiddle } from '../../server/tools/truncate';
import { formatExecResult } from '../../server/tools/exec';
import { RunningProcess } from '../../server/tools/process';

describe('head and tail truncation', () => {
  it('leaves short output alone', () => {
    assert.equal(truncateMiddle('short', 10), 'short');
  });

  it('keeps the head and the tail with a marker in between', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const out = truncateMiddle(text, 100);
    assert.ok(out.startsWith('line 0\nline 1\n'));
    assert.ok(out.endsWith('line 1998\nline 1999'));
    assert.match(out, /…\d+ tokens truncated…/);
    assert.ok(Buffer.byteLength(out) < 100 * 4 + 40);
  });

  it('never splits a multi-byte character', () => {
    const out = truncateMiddle('é'.repeat(1000), 11);
    assert.ok(!out.includes('\uFFFD'));
    assert.match(out, /^é+…\d+ tokens truncated…é+$/);
  });

  it('formats exec results with exit code or session id and truncates the output', () => {
    const done = formatExecResult({ wallTimeMs: 1234, exitCode: 2, sessionId: null, output: 'x'.repeat(100000), maxOutputTokens: 50 });
    assert.match(done, /^Chunk ID: [0-9a-f]{6}\nWall time: 1\.2340 seconds\nProcess exited with code 2\nOriginal token count: 25000\nOutput:\nx+…\d+ tokens truncated…x+$/);
    const running = formatExecResult({ wallTimeMs: 10, exitCode: null, sessionId: 1001, output: 'ok\n' });
    assert.match(running, /Process running with session ID 1001\n/);
    assert.equal(approxTokenCount('abcd'), 1);
  });

  it('a process keeps only the head and tail of huge output', async () => {
    const proc = new RunningProcess({ argv: ['/bin/sh', '-c', "printf start; head -c 3000000 /dev/zero | tr '\\0' x; printf end"], cwd: '/', env: process.env, tty: false });
    await proc.waitForExit();
    const all = proc.aggregatedOutput;
    assert.ok(all.startsWith('startxxx'));
    assert.ok(all.endsWith('xxxend'));
    assert.match(all, /…\d+ characters omitted…/);
    assert.ok(all.length < 1.1 * 1024 * 1024);
    const unread = proc.takeUnread();
    assert.ok(unread.startsWith('start') && unread.endsWith('end') && unread.length < 1.1 * 1024 * 1024);
    assert.equal(proc.takeUnread(), '');
  });
});
