import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { reply } from '../helpers/scriptedModel';
import { bubblewrapStatus } from '../../server/sandbox/bubblewrap';
import { runTurn, startFixture, stopFixture, stopStartedFixtures, type TurnFixture } from './turnHelpers';
import { makeTempDir } from '../helpers/tempDir';

const patchAdding = (file: string) => `*** Begin Patch\n*** Add File: ${file}\n+content\n*** End Patch\n`;

describe('turns: approvals and the sandbox', function () {
  this.timeout(60000);
  let fixture: TurnFixture | undefined;
  afterEach(stopStartedFixtures);

  const escalatedTouch = (file: string) => reply.call('exec_command', { cmd: `touch ${file}`, sandbox_permissions: 'require_escalated', justification: 'needs to write' }, 'call_esc');

  it('a declined command never runs: item declined, serverRequest/resolved, the model is told', async () => {
    fixture = await startFixture('ours', [escalatedTouch('declined.txt'), reply.text('ok')], { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' });
    const { server, model, cwd } = fixture;
    server.onServerRequest('item/commandExecution/requestApproval', () => ({ decision: 'decline' }));
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'completed');
    assert.equal(fs.existsSync(path.join(cwd, 'declined.txt')), false);
    const request = server.serverRequests.find((r) => r.method === 'item/commandExecution/requestApproval')!;
    assert.equal(request.params.itemId, 'call_esc');
    assert.equal(request.params.reason, 'needs to write');
    const resolved = server.notifications.find((n) => n.method === 'serverRequest/resolved')!;
    assert.equal(resolved.params.requestId, request.id);
    const item = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
    assert.equal(item.status, 'declined');
    assert.equal(item.exitCode, null);
    const output = model.modelRequests[1].body.input.find((i: any) => i.type === 'function_call_output').output;
    assert.match(output, /rejected/);
    const flags = server.notifications.filter((n) => n.method === 'thread/status/changed').map((n) => JSON.stringify(n.params.status));
    assert.ok(flags.some((f) => f.includes('waitingOnApproval')));
    assert.deepEqual(server.violations, []);
  });

  it('accept runs the command; acceptForSession stops asking for the same command', async () => {
    fixture = await startFixture('ours', [escalatedTouch('a.txt'), escalatedTouch('a.txt'), escalatedTouch('a.txt'), reply.text('ok')], {
      approvalPolicy: 'on-request',
      sandboxMode: 'workspace-write',
    });
    const { server, cwd } = fixture;
    const decisions = ['accept', 'acceptForSession'];
    server.onServerRequest('item/commandExecution/requestApproval', () => ({ decision: decisions.shift() ?? 'decline' }));
    await runTurn(fixture);
    assert.equal(fs.existsSync(path.join(cwd, 'a.txt')), true);
    assert.equal(server.serverRequests.length, 2, 'the third run was covered by acceptForSession');
    const statuses = server.notifications.filter((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution').map((n) => n.params.item.status);
    assert.deepEqual(statuses, ['completed', 'completed', 'completed']);
    assert.deepEqual(server.violations, []);
  });

  it('asks before writing outside the writable roots (fileChange approval): decline keeps the disk unchanged, accept applies', async () => {
    fixture = await startFixture('ours', [reply.call('apply_patch', { input: patchAdding('no.txt') }), reply.call('apply_patch', { input: patchAdding('yes.txt') }), reply.text('ok')], {
      approvalPolicy: 'on-request',
      sandboxMode: 'read-only',
    });
    const { server, cwd } = fixture;
    const decisions = ['decline', 'accept'];
    server.onServerRequest('item/fileChange/requestApproval', () => ({ decision: decisions.shift() }));
    await runTurn(fixture);
    assert.equal(fs.existsSync(path.join(cwd, 'no.txt')), false);
    assert.equal(fs.readFileSync(path.join(cwd, 'yes.txt'), 'utf8'), 'content\n');
    const statuses = server.notifications.filter((n) => n.method === 'item/completed' && n.params.item.type === 'fileChange').map((n) => n.params.item.status);
    assert.deepEqual(statuses, ['declined', 'completed']);
    assert.equal(server.notifications.filter((n) => n.method === 'serverRequest/resolved').length, 2);
    assert.deepEqual(server.violations, []);
  });

  it('never: out-of-sandbox writes are refused without asking; granular without sandbox_approval refuses escalation', async () => {
    fixture = await startFixture('ours', [reply.call('apply_patch', { input: patchAdding('nope.txt') }), reply.text('ok')], { approvalPolicy: 'never', sandboxMode: 'read-only' });
    await runTurn(fixture);
    assert.equal(fs.existsSync(path.join(fixture.cwd, 'nope.txt')), false);
    assert.equal(fixture.server.serverRequests.length, 0);
    await stopFixture(fixture);

    fixture = await startFixture('ours', [escalatedTouch('g.txt'), reply.text('ok')], {
      extra: '',
      sandboxMode: 'workspace-write',
    });
    const { server } = fixture;
    const { thread } = await server.request('thread/start', {
      cwd: fixture.cwd,
      approvalPolicy: { granular: { sandbox_approval: false, rules: true, skill_approval: true, request_permissions: true, mcp_elicitations: true } },
    });
    fixture.threadId = thread.id;
    await runTurn(fixture);
    assert.equal(server.serverRequests.length, 0);
    assert.equal(fs.existsSync(path.join(fixture.cwd, 'g.txt')), false);
    const item = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
    assert.equal(item.status, 'declined');
    assert.deepEqual(server.violations, []);
  });

  it('never + workspace-write: apply_patch cannot escape the writable roots through `..`, absolute paths or symlinks', async () => {
    const outside = fs.mkdtempSync('/var/tmp/codex-patch-outside-');
    try {
      const patchCall = (file: string, callId: string) => ({ type: 'function_call' as const, name: 'apply_patch', arguments: { input: patchAdding(file) }, callId });
      fixture = await startFixture('ours', [], { approvalPolicy: 'never', sandboxMode: 'workspace-write' });
      const { server, cwd, model } = fixture;
      fs.symlinkSync(outside, path.join(cwd, 'link-dir'));
      fs.symlinkSync(path.join(outside, 'dangling.txt'), path.join(cwd, 'dangling'));
      const dotdot = path.relative(cwd, path.join(outside, 'dotdot.txt'));
      assert.ok(dotdot.startsWith('..'));
      model.enqueue(
        reply.items(
          patchCall(dotdot, 'p_dotdot'),
          patchCall(path.join(outside, 'absolute.txt'), 'p_abs'),
          patchCall('link-dir/through-link.txt', 'p_link'),
          patchCall('dangling', 'p_dangling'),
          patchCall('inside.txt', 'p_inside'),
        ),
        reply.text('ok'),
      );
      await runTurn(fixture);
      assert.deepEqual(fs.readdirSync(outside), [], 'nothing was written outside the writable roots');
      assert.equal(fs.readFileSync(path.join(cwd, 'inside.txt'), 'utf8'), 'content\n');
      assert.equal(server.serverRequests.length, 0, 'never does not ask');
      const outputs = JSON.stringify(model.modelRequests.at(-1)!.body.input);
      assert.equal(outputs.match(/patch rejected/g)?.length, 4, outputs);
      assert.deepEqual(server.violations, []);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('cancel declines the command and interrupts the turn', async () => {
    fixture = await startFixture('ours', [escalatedTouch('c.txt'), reply.text('never sent')], { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' });
    const { server, model } = fixture;
    server.onServerRequest('item/commandExecution/requestApproval', () => ({ decision: 'cancel' }));
    const turn = await runTurn(fixture);
    assert.equal(turn.status, 'interrupted');
    assert.equal(model.modelRequests.length, 1);
    assert.deepEqual(server.violations, []);
  });

  describe('bubblewrap', function () {
    before(function () {
      if (!bubblewrapStatus().available) this.skip();
    });

    it('workspace-write: the cwd is writable, the rest read-only, .git protected, no network', async () => {
      const outside = fs.mkdtempSync('/var/tmp/codex-outside-');
      try {
        fixture = await startFixture('ours', [], { approvalPolicy: 'never', sandboxMode: 'workspace-write', files: { '.git/HEAD': 'ref: refs/heads/main\n' } });
        const { server, model, cwd } = fixture;
        const port = new URL(model.baseUrl).port;
        const cmd = [
          'touch inside.txt && echo inside-ok',
          `touch ${outside}/x.txt 2>/dev/null || echo outside-denied`,
          'touch .git/evil 2>/dev/null || echo git-denied',
          `(exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && echo net-open || echo net-denied`,
        ].join('; ');
        model.enqueue(reply.call('exec_command', { cmd }), reply.text('ok'));
        await runTurn(fixture);
        const item = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
        assert.match(item.aggregatedOutput, /inside-ok/);
        assert.match(item.aggregatedOutput, /outside-denied/);
        assert.match(item.aggregatedOutput, /git-denied/);
        assert.match(item.aggregatedOutput, /net-denied/);
        assert.equal(fs.existsSync(path.join(cwd, 'inside.txt')), true);
        assert.equal(fs.existsSync(path.join(outside, 'x.txt')), false);
        assert.equal(fs.existsSync(path.join(cwd, '.git', 'evil')), false);
        assert.deepEqual(server.violations, []);
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });

    it('on-failure: a command that failed in the sandbox is offered to run again outside it', async () => {
      fixture = await startFixture('ours', [reply.call('exec_command', { cmd: 'touch retried.txt' }), reply.text('ok')], { approvalPolicy: 'on-failure', sandboxMode: 'read-only' });
      const { server, cwd } = fixture;
      server.onServerRequest('item/commandExecution/requestApproval', () => ({ decision: 'accept' }));
      await runTurn(fixture);
      const request = server.serverRequests.find((r) => r.method === 'item/commandExecution/requestApproval')!;
      assert.match(request.params.reason, /failed in the sandbox/);
      assert.equal(fs.existsSync(path.join(cwd, 'retried.txt')), true);
      const item = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
      assert.equal(item.exitCode, 0);
      assert.equal(item.status, 'completed');
      // The v2 protocol has no "on-failure": like the reference, thread/start reports it as "on-request".
      assert.deepEqual(server.violations, []);
    });

    it('read-only blocks writes in the cwd; network_access = true opens the network', async () => {
      fixture = await startFixture('ours', [], { approvalPolicy: 'never', sandboxMode: 'workspace-write', extra: '[sandbox_workspace_write]\nnetwork_access = true' });
      const { server, model } = fixture;
      const port = new URL(model.baseUrl).port;
      model.enqueue(reply.call('exec_command', { cmd: `(exec 3<>/dev/tcp/127.0.0.1/${port}) && echo net-open || echo net-denied` }), reply.text('ok'));
      await runTurn(fixture);
      const netItem = server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
      assert.match(netItem.aggregatedOutput, /net-open/);
      await stopFixture(fixture);

      fixture = await startFixture('ours', [reply.call('exec_command', { cmd: 'touch ro.txt 2>/dev/null && echo wrote || echo ro-denied' }), reply.text('ok')], {
        approvalPolicy: 'never',
        sandboxMode: 'read-only',
      });
      await runTurn(fixture);
      const roItem = fixture.server.notifications.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!.params.item;
      assert.match(roItem.aggregatedOutput, /ro-denied/);
      assert.equal(fs.existsSync(path.join(fixture.cwd, 'ro.txt')), false);
      assert.deepEqual(fixture.server.violations, []);
    });
  });

  it('warns clearly when bubblewrap cannot run', async () => {
    fixture = await startFixture('ours', [reply.call('exec_command', { cmd: 'echo unsandboxed' }), reply.text('ok')], { approvalPolicy: 'never', sandboxMode: 'workspace-write' });
    await stopFixture(fixture);
    // Same workspace, but a PATH without bwrap.
    const { AppServerProcess } = await import('../helpers/appServerProcess');
    const emptyBin = makeTempDir('codex-nobwrap-');
    fs.symlinkSync('/bin/bash', path.join(emptyBin, 'bash'));
    await fixture.model.start();
    fixture.model.writeConfig(fixture.codexHome, {});
    const toml = path.join(fixture.codexHome, 'config.toml');
    fs.writeFileSync(toml, fs.readFileSync(toml, 'utf8').replace('sandbox_mode = "danger-full-access"', 'sandbox_mode = "workspace-write"'));
    fixture.model.enqueue(reply.call('exec_command', { cmd: 'echo unsandboxed', shell: '/bin/bash' }), reply.text('ok'));
    try {
      fixture.server = await AppServerProcess.start('ours', { codexHome: fixture.codexHome, cwd: fixture.cwd, env: { PATH: emptyBin, SHELL: '/bin/bash' } });
      const { thread } = await fixture.server.request('thread/start', { cwd: fixture.cwd });
      fixture.threadId = thread.id;
      await runTurn(fixture);
      const warning = fixture.server.notifications.find((n) => n.method === 'warning');
      assert.ok(warning, 'a warning notification was sent');
      assert.match(warning!.params.message, /WITHOUT a sandbox: bubblewrap \(bwrap\) is not installed/);
      assert.deepEqual(fixture.server.violations, []);
    } finally {
      // Restarted by hand above, so afterEach no longer tracks it.
      await stopFixture(fixture);
    }
  });
});
