/**
 * The last output of a PTY command survives node-pty's teardown. node-pty destroys its read
 * stream 200 ms after the child exits; output not delivered by then was dropped (under load, a
 * `write_stdin` reply lost the command's final line). Pausing the stream reproduces "not
 * delivered yet" deterministically.
 */
import assert from 'node:assert/strict';
import type * as NodePty from 'node-pty';
import { readLastOutputBeforeTeardown } from '../../server/tools/process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pty = require('node-pty') as typeof NodePty;

async function runWithUndeliveredTail(withFix: boolean): Promise<string> {
  const terminal = pty.spawn('/bin/sh', ['-c', 'sleep 0.3; printf tail-line'], { cols: 80, rows: 24, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  let output = '';
  terminal.onData((data) => (output += data));
  if (withFix) readLastOutputBeforeTeardown(terminal, (data) => (output += data));
  // From now on nothing is delivered, as when the machine is too busy to keep up.
  (terminal as unknown as { _socket: { pause(): void } })._socket.pause();
  await new Promise<void>((resolve) => terminal.onExit(() => resolve()));
  return output;
}

describe('PTY output at exit', function () {
  this.timeout(20_000);

  it('node-pty alone drops output not yet delivered when it tears the PTY down (the problem)', async () => {
    assert.doesNotMatch(await runWithUndeliveredTail(false), /tail-line/);
  });

  it("is read before the teardown, so the command's last line is kept", async () => {
    assert.match(await runWithUndeliveredTail(true), /tail-line/);
  });
});
