import assert from 'node:assert/strict';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';

describe('command/exec (standalone commands)', function () {
  this.timeout(60000);
  let server: AppServerProcess;
  let cwd: string;
  before(async () => {
    cwd = makeTempDir('codex-cmd-');
    server = await AppServerProcess.start('ours', { cwd });
  });
  after(async () => {
    await server.stop();
  });

  const decoded = (processId: string, stream?: string) =>
    server.notifications
      .filter((n) => n.method === 'command/exec/outputDelta' && n.params.processId === processId && (!stream || n.params.stream === stream))
      .map((n) => Buffer.from(n.params.deltaBase64, 'base64').toString('utf8'))
      .join('');

  it('buffers stdout and stderr separately and returns the exit code', async () => {
    const result = await server.request('command/exec', {
      command: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 4'],
      cwd,
      sandboxPolicy: { type: 'dangerFullAccess' },
    });
    assert.deepEqual(result, { exitCode: 4, stdout: 'out\n', stderr: 'err\n' });
    assert.deepEqual(server.violations, []);
  });

  it('streams base64 output deltas and accepts stdin writes', async () => {
    const pending = server.request('command/exec', {
      command: ['/bin/sh', '-c', 'read line; echo "echo:$line"; echo bye >&2'],
      processId: 'p-stream',
      streamStdin: true,
      streamStdoutStderr: true,
      cwd,
      sandboxPolicy: { type: 'dangerFullAccess' },
    });
    await new Promise((r) => setTimeout(r, 200));
    await server.request('command/exec/write', { processId: 'p-stream', deltaBase64: Buffer.from('hello\n').toString('base64'), closeStdin: true });
    const result = await pending;
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, '', 'streamed output is not repeated in the response');
    assert.equal(decoded('p-stream', 'stdout'), 'echo:hello\n');
    assert.equal(decoded('p-stream', 'stderr'), 'bye\n');
    assert.deepEqual(server.violations, []);
  });

  it('runs in a PTY with resize, and terminate ends it', async () => {
    const pending = server.request('command/exec', {
      command: ['/bin/bash', '--norc', '-i'],
      processId: 'p-tty',
      tty: true,
      size: { rows: 24, cols: 80 },
      disableTimeout: true,
      cwd,
      sandboxPolicy: { type: 'dangerFullAccess' },
    });
    await new Promise((r) => setTimeout(r, 300));
    await server.request('command/exec/resize', { processId: 'p-tty', size: { rows: 40, cols: 132 } });
    await server.request('command/exec/write', { processId: 'p-tty', deltaBase64: Buffer.from('stty size\n').toString('base64') });
    const deadline = Date.now() + 20000;
    while (!decoded('p-tty').includes('40 132') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(decoded('p-tty'), /40 132/);
    await server.request('command/exec/terminate', { processId: 'p-tty' });
    const result = await pending;
    assert.notEqual(result.exitCode, 0);
    assert.deepEqual(server.violations, []);
  });

  it('enforces the timeout', async () => {
    const started = Date.now();
    const result = await server.request('command/exec', { command: ['sleep', '10'], timeoutMs: 300, cwd, sandboxPolicy: { type: 'dangerFullAccess' } });
    assert.equal(result.exitCode, 124);
    assert.ok(Date.now() - started < 3000);
  });

  it('rejects bad requests clearly', async () => {
    await assert.rejects(server.request('command/exec', { command: [] }), /command must not be empty/);
    await assert.rejects(server.request('command/exec', { command: ['true'], tty: true }), /processId/);
    await assert.rejects(server.request('command/exec', { command: ['true'], timeoutMs: 5, disableTimeout: true }), /cannot be combined/);
    await assert.rejects(server.request('command/exec/write', { processId: 'nope', deltaBase64: '' }), /no running command/);
  });

  it('applies the read-only sandbox by default when bubblewrap works', async function () {
    const { bubblewrapStatus } = await import('../../server/sandbox/bubblewrap');
    if (!bubblewrapStatus().available) this.skip();
    const result = await server.request('command/exec', { command: ['/bin/sh', '-c', 'touch f 2>/dev/null && echo wrote || echo denied'], cwd });
    assert.equal(result.stdout, 'denied\n');
  });
});
