/**
 * `process/*` (experimental) on our server and the pinned reference, same steps on both:
 * streamed stdin/stdout/stderr, buffered output, env overrides, caps, timeout, a PTY with
 * resize, kill, handle errors, and the experimentalApi gate. Traffic is validated with the
 * reference's `--experimental` schema. Ours must also leave no process behind its connection.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, RpcResponseError, makeTempDir, type Which } from '../helpers/appServerProcess';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function errorOf(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcResponseError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error response');
}

/** What a client observes, in a form both servers must agree on. */
async function scenario(which: Which, cwd: string) {
  const server = await AppServerProcess.start(which, { cwd, experimentalSchema: true });
  const out: Record<string, unknown> = {};
  const text = (handle: string, stream?: string) =>
    server.notifications
      .filter((n) => n.method === 'process/outputDelta' && n.params.processHandle === handle && (!stream || n.params.stream === stream))
      .map((n) => Buffer.from(n.params.deltaBase64, 'base64').toString('utf8'))
      .join('');
  const exited = async (handle: string) => {
    const { params } = await server.waitFor('process/exited', (p) => p.processHandle === handle, 30_000);
    return params;
  };
  try {
    // Streamed: stdin written then closed, stdout and stderr as base64 deltas, not repeated at exit.
    out.spawn = await server.request('process/spawn', {
      command: ['/bin/sh', '-c', 'read line; echo "got:$line"; echo oops >&2; exit 3'],
      processHandle: 'streamed',
      cwd,
      streamStdin: true,
      streamStdoutStderr: true,
    });
    out.duplicate = (await errorOf(server.request('process/spawn', { command: ['true'], processHandle: 'streamed', cwd }))).code;
    out.write = await server.request('process/writeStdin', { processHandle: 'streamed', deltaBase64: b64('hi\n'), closeStdin: true });
    out.streamedExit = await exited('streamed');
    out.streamedStdout = text('streamed', 'stdout');
    out.streamedStderr = text('streamed', 'stderr');
    // The handle is free again once its process exited.
    await server.request('process/spawn', { command: ['/bin/sh', '-c', 'echo again'], processHandle: 'streamed', cwd });
    await server.waitFor('process/exited', (p) => p.processHandle === 'streamed' && p.stdout === 'again\n');

    // Buffered, with env overrides (null unsets) and an output cap.
    await server.request('process/spawn', { command: ['/bin/sh', '-c', 'echo "$FOO ${HOME:-unset}"; echo e >&2'], processHandle: 'env', cwd, env: { FOO: 'bar', HOME: null } });
    out.envExit = await exited('env');
    await server.request('process/spawn', { command: ['/bin/sh', '-c', 'printf %s abcdefghijklmnop'], processHandle: 'cap', cwd, outputBytesCap: 5 });
    out.capExit = await exited('cap');
    await server.request('process/spawn', { command: ['sleep', '5'], processHandle: 'slow', cwd, timeoutMs: 300 });
    out.timeoutExit = await exited('slow');

    // A PTY: resize, then a command that prints the size; kill ends it.
    await server.request('process/spawn', { command: ['/bin/bash', '--norc', '--noprofile', '-i'], processHandle: 'tty', cwd, tty: true, size: { rows: 24, cols: 80 } });
    await server.request('process/resizePty', { processHandle: 'tty', size: { rows: 40, cols: 132 } });
    await server.request('process/writeStdin', { processHandle: 'tty', deltaBase64: b64('stty size\n') });
    const deadline = Date.now() + 20_000;
    while (!text('tty').includes('40 132') && Date.now() < deadline) await wait(50);
    out.ttySize = text('tty').includes('40 132');
    out.ttyStreams = [...new Set(server.notifications.filter((n) => n.method === 'process/outputDelta' && n.params.processHandle === 'tty').map((n) => n.params.stream))];
    out.kill = await server.request('process/kill', { processHandle: 'tty' });
    const ttyExit = await exited('tty');
    out.ttyKilled = ttyExit.exitCode !== 0;

    // kill of a plain process: SIGKILL, exit 137 on both.
    await server.request('process/spawn', { command: ['sleep', '30'], processHandle: 'sleeper', cwd, timeoutMs: null });
    await server.request('process/kill', { processHandle: 'sleeper' });
    out.killExit = (await exited('sleeper')).exitCode;

    // Bad requests: empty argv, unknown handles, a program that does not exist.
    out.emptyArgv = (await errorOf(server.request('process/spawn', { command: [], processHandle: 'empty', cwd }))).code;
    out.unknownKill = (await errorOf(server.request('process/kill', { processHandle: 'nope' }))).code;
    out.unknownWrite = (await errorOf(server.request('process/writeStdin', { processHandle: 'nope', deltaBase64: b64('x') }))).code;
    out.unknownResize = (await errorOf(server.request('process/resizePty', { processHandle: 'nope', size: { rows: 1, cols: 1 } }))).code;
    out.missingProgram = (await errorOf(server.request('process/spawn', { command: ['/nonexistent/program'], processHandle: 'missing', cwd }))).code;
    out.relativeCwd = (await errorOf(server.request('process/spawn', { command: ['true'], processHandle: 'rel', cwd: 'relative/dir' }))).code;
    assert.deepEqual(server.violations, [], `${which}: ${JSON.stringify(server.violations, null, 1)}`);
  } finally {
    await server.stop();
  }
  // Without capabilities.experimentalApi the methods are refused.
  const plain = await AppServerProcess.start(which, { cwd, experimentalApi: false, experimentalSchema: true });
  try {
    const refused = await errorOf(plain.request('process/spawn', { command: ['true'], processHandle: 'x', cwd }));
    out.withoutExperimentalApi = refused.code;
    assert.match(refused.message, /process\/spawn requires (the )?experimentalApi capability/);
  } finally {
    await plain.stop();
  }
  return out;
}

describe('process/* (experimental) vs the reference', function () {
  this.timeout(120_000);
  let cwd: string;
  before(() => {
    cwd = makeTempDir('codex-process-');
  });
  after(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('behaves like the reference: stdin, buffered and streamed output, caps, timeout, tty resize, kill, errors', async () => {
    const [ours, reference] = await Promise.all([scenario('ours', cwd), scenario('reference', cwd)]);
    assert.deepEqual(ours, reference);
    // And the facts themselves (so that both being wrong the same way cannot pass).
    assert.deepEqual(ours.streamedExit, { processHandle: 'streamed', exitCode: 3, outputDrainTimedOut: false, stdout: '', stdoutCapReached: false, stderr: '', stderrCapReached: false });
    assert.equal(ours.streamedStdout, 'got:hi\n');
    assert.equal(ours.streamedStderr, 'oops\n');
    assert.equal((ours.envExit as { stdout: string }).stdout, 'bar unset\n');
    assert.deepEqual([(ours.capExit as { stdout: string }).stdout, (ours.capExit as { stdoutCapReached: boolean }).stdoutCapReached], ['abcde', true]);
    assert.equal((ours.timeoutExit as { exitCode: number }).exitCode, 124);
    assert.equal(ours.ttySize, true);
    assert.equal(ours.killExit, 137);
    assert.equal(ours.duplicate, -32600);
    assert.equal(ours.emptyArgv, -32600);
    assert.equal(ours.withoutExperimentalApi, -32600);
  });

  it('kills every process of a connection when the connection closes (ours)', async () => {
    const server = await AppServerProcess.start('ours', { cwd, experimentalSchema: true });
    const pidFile = path.join(cwd, 'child.pid');
    // The shell starts a grandchild too: the whole process group must go.
    await server.request('process/spawn', { command: ['/bin/sh', '-c', `sleep 60 & echo $! > ${pidFile}; wait`], processHandle: 'orphan?', cwd, timeoutMs: null });
    await server.request('process/spawn', { command: ['/bin/bash', '--norc', '-i'], processHandle: 'shell', cwd, tty: true });
    while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) await wait(50);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8').trim());
    assert.ok(alive(grandchild));
    await server.stop();
    const deadline = Date.now() + 5000;
    while (alive(grandchild) && Date.now() < deadline) await wait(50);
    assert.equal(alive(grandchild), false, 'the grandchild outlived the connection');
    fs.rmSync(pidFile);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
