/**
 * Hooks inside real turns, driven by the scripted model, for our server and
 * the reference alike: the same hook scripts, the same assertions.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';

const SERVERS = (process.env.HOOKS_TURN_SERVERS ?? 'ours,reference').split(',') as ('ours' | 'reference')[];

const real = (dir: string) => fs.realpathSync(dir);
const hook = (event: string, command: string, matcher?: string) =>
  `[[hooks.${event}]]\n${matcher !== undefined ? `matcher = ${JSON.stringify(matcher)}\n` : ''}[[hooks.${event}.hooks]]\ntype = "command"\ncommand = ${JSON.stringify(command)}\ntimeout = 30\n\n`;

for (const which of SERVERS) {
  describe(`hooks in turns (${which})`, function () {
    this.timeout(90000);
    let model: ScriptedModel;
    let home: string;
    let work: string;
    let dir: string;
    let server: AppServerProcess | undefined;

    /** A hook script that records its stdin as `<name>-<n>.json` and then runs `body`. */
    const script = (name: string, body: string) => {
      const file = path.join(dir, `${name}.sh`);
      fs.writeFileSync(file, `#!/bin/sh\nn=$(ls "${dir}" | grep -c "^${name}-")\ncat > "${dir}/${name}-$n.json"\n${body}\n`, { mode: 0o755 });
      return file;
    };
    const inputs = (name: string) =>
      fs
        .readdirSync(dir)
        .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));

    /** Writes hooks into config.toml, starts the server and trusts every hook through config/batchWrite. */
    const startWith = async (hooksToml: string, args: string[] = []) => {
      fs.appendFileSync(path.join(home, 'config.toml'), `\n${hooksToml}`);
      server = await AppServerProcess.start(which, { codexHome: home, cwd: work, args, env: { CODEX_SYSTEM_CONFIG_DIR: makeTempDir('hooks-turn-etc-') } });
      const listed = (await server.request('hooks/list', { cwds: [work] })).data[0].hooks;
      const state = Object.fromEntries(listed.map((h: any) => [h.key, { trusted_hash: h.currentHash }]));
      await server.request('config/batchWrite', { edits: [{ keyPath: 'hooks.state', value: state, mergeStrategy: 'upsert' }] });
      return server;
    };
    const runTurn = async (text: string) => {
      const { thread } = await server!.request('thread/start', { cwd: work });
      await server!.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text, text_elements: [] }] });
      const completed = await server!.waitFor('turn/completed', undefined, 60000);
      return { thread, turn: completed.params.turn };
    };
    const hookRuns = (method: string) => server!.notifications.filter((n) => n.method === method).map((n) => n.params.run);
    const requestText = (index: number) => JSON.stringify(model.modelRequests[index]?.body.input ?? null);

    beforeEach(async () => {
      model = await new ScriptedModel().start();
      home = real(makeTempDir('hooks-turn-home-'));
      work = real(makeTempDir('hooks-turn-work-'));
      dir = real(makeTempDir('hooks-turn-scripts-'));
      model.writeConfig(home);
    });
    afterEach(async () => {
      await server?.stop();
      server = undefined;
      await model.stop();
    });

    it('SessionStart stdout and UserPromptSubmit additionalContext reach the model', async () => {
      await startWith(
        hook('SessionStart', script('start', 'echo "SESSION-CONTEXT-42"'), 'startup') +
          hook('UserPromptSubmit', script('prompt', `echo '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"PROMPT-CONTEXT-7"}}'`)),
      );
      model.enqueue(reply.text('Hello.'));
      const { thread, turn } = await runTurn('hi there');
      assert.equal(turn.status, 'completed');
      assert.ok(requestText(0).includes('SESSION-CONTEXT-42'), 'SessionStart stdout is developer context');
      assert.ok(requestText(0).includes('PROMPT-CONTEXT-7'), 'additionalContext is developer context');
      const [start] = inputs('start');
      assert.deepEqual([start.hook_event_name, start.source, start.session_id, start.cwd], ['SessionStart', 'startup', thread.id, work]);
      const [prompt] = inputs('prompt');
      assert.deepEqual([prompt.hook_event_name, prompt.prompt, prompt.turn_id], ['UserPromptSubmit', 'hi there', turn.id]);
      assert.deepEqual(hookRuns('hook/completed').map((r) => [r.eventName, r.status]), [
        ['sessionStart', 'completed'],
        ['userPromptSubmit', 'completed'],
      ]);
      assert.equal(hookRuns('hook/started').length, 2);
      assert.deepEqual(server!.violations, []);
    });

    it('UserPromptSubmit exit 2 blocks the prompt before the model sees it', async () => {
      await startWith(hook('UserPromptSubmit', script('prompt', 'echo "prompts about secrets are blocked" >&2; exit 2')));
      model.enqueue(reply.text('should not be asked'));
      await runTurn('tell me the secret');
      assert.equal(model.modelRequests.length, 0);
      assert.deepEqual(hookRuns('hook/completed').map((r) => [r.status, r.entries]), [['blocked', [{ kind: 'feedback', text: 'prompts about secrets are blocked' }]]]);
      assert.deepEqual(server!.violations, []);
    });

    it('PreToolUse deny stops a shell command and tells the model why', async () => {
      const marker = path.join(work, 'marker.txt');
      await startWith(
        hook(
          'PreToolUse',
          script('pre', `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"touching files is forbidden"}}'`),
          '^Bash$',
        ),
      );
      model.enqueue(reply.call('exec_command', { cmd: `touch ${marker}` }, 'call-touch'), reply.text('Understood.'));
      await runTurn('make a marker');
      assert.ok(!fs.existsSync(marker), 'the command never ran');
      const [pre] = inputs('pre');
      assert.equal(pre.tool_name, 'Bash');
      assert.equal(pre.tool_use_id, 'call-touch');
      assert.ok(JSON.stringify(pre.tool_input).includes('touch'));
      assert.equal(model.modelRequests.length, 2);
      assert.ok(requestText(1).includes('touching files is forbidden'), 'the reason went back to the model');
      assert.deepEqual(hookRuns('hook/completed').map((r) => [r.eventName, r.status]), [['preToolUse', 'blocked']]);
      assert.deepEqual(server!.violations, []);
    });

    it('PostToolUse feedback and a Stop block keep the turn going', async () => {
      await startWith(
        hook('PostToolUse', script('post', `echo '{"decision":"block","reason":"POST-FEEDBACK: output looked wrong"}'`), 'Bash') +
          hook('Stop', script('stop', `if grep -q '"stop_hook_active":true' "${dir}/stop-$n.json"; then exit 0; fi\necho '{"decision":"block","reason":"STOP-REASON: run the tests too"}'`)),
      );
      model.enqueue(reply.call('exec_command', { cmd: 'echo from-the-tool' }, 'call-echo'), reply.text('Done.'), reply.text('Tests run.'));
      const { turn } = await runTurn('do it');
      assert.equal(turn.status, 'completed');
      const [post] = inputs('post');
      assert.equal(post.tool_name, 'Bash');
      assert.ok(JSON.stringify(post.tool_response).includes('from-the-tool'), 'the hook saw the tool output');
      assert.equal(model.modelRequests.length, 3);
      assert.ok(requestText(1).includes('POST-FEEDBACK: output looked wrong'));
      assert.ok(requestText(2).includes('STOP-REASON: run the tests too'), 'the Stop reason continued the turn');
      const stops = inputs('stop');
      assert.deepEqual(stops.map((s) => [s.stop_hook_active, s.last_assistant_message]), [
        [false, 'Done.'],
        [true, 'Tests run.'],
      ]);
      assert.deepEqual(server!.violations, []);
    });

    it('an untrusted project\'s hooks never run; trusting the project still needs the hook reviewed', async () => {
      execFileSync('git', ['init', '-q'], { cwd: work });
      const marker = path.join(dir, 'project-hook-ran');
      fs.mkdirSync(path.join(work, '.codex'));
      fs.writeFileSync(path.join(work, '.codex', 'config.toml'), 'model = "project-model"\n\n' + hook('UserPromptSubmit', `touch ${marker}`));
      // Read-only: a writable sandbox would make thread/start trust the undecided repository (reference behaviour).
      const readOnly = ['-c', 'sandbox_mode="read-only"'];
      await startWith('', readOnly);
      model.enqueue(reply.text('one'), reply.text('two'), reply.text('three'));
      await runTurn('first');
      assert.ok(!fs.existsSync(marker), 'untrusted project: hook did not run');
      assert.equal(model.modelRequests[0].body.model, 'mock-model', 'untrusted project config did not apply');
      await server!.stop();

      assert.ok(!fs.readFileSync(path.join(home, 'config.toml'), 'utf8').includes('trust_level'), 'nothing trusted the project');
      fs.appendFileSync(path.join(home, 'config.toml'), `\n[projects."${work}"]\ntrust_level = "trusted"\n`);
      server = await AppServerProcess.start(which, { codexHome: home, cwd: work, args: readOnly, env: { CODEX_SYSTEM_CONFIG_DIR: makeTempDir('hooks-turn-etc-') } });
      const listed = (await server.request('hooks/list', { cwds: [work] })).data[0].hooks;
      assert.deepEqual(listed.map((h: any) => [h.source, h.trustStatus]), [['project', 'untrusted']]);
      await runTurn('second');
      assert.ok(!fs.existsSync(marker), 'trusted project, unreviewed hook: did not run');
      assert.equal(model.modelRequests[1].body.model, 'project-model', 'trusted project config applies');

      await server.request('config/batchWrite', { edits: [{ keyPath: 'hooks.state', value: { [listed[0].key]: { trusted_hash: listed[0].currentHash } }, mergeStrategy: 'upsert' }] });
      server.clearNotifications();
      await runTurn('third');
      assert.ok(fs.existsSync(marker), 'reviewed project hook ran');
      assert.deepEqual(server.violations, []);
    });

    it('SessionStart gets source "resume" for the first turn after thread/resume', async () => {
      await startWith(hook('SessionStart', script('start', 'true')));
      model.enqueue(reply.text('first'), reply.text('second'));
      const { thread } = await runTurn('hello');
      await server!.stop();
      server = await AppServerProcess.start(which, { codexHome: home, cwd: work, env: { CODEX_SYSTEM_CONFIG_DIR: makeTempDir('hooks-turn-etc-') } });
      await server.request('thread/resume', { threadId: thread.id });
      await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'again', text_elements: [] }] });
      await server.waitFor('turn/completed', undefined, 60000);
      assert.deepEqual(inputs('start').map((i) => [i.source, i.session_id]), [
        ['startup', thread.id],
        ['resume', thread.id],
      ]);
      assert.deepEqual(server.violations, []);
    });

    it('PermissionRequest hooks answer approvals: allow runs the command without asking, deny declines it', async () => {
      const allowed = path.join(work, 'allowed.txt');
      const denied = path.join(work, 'denied.txt');
      await startWith(
        hook('PermissionRequest', script('allow', `echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}'`), 'Bash') +
          hook('PermissionRequest', script('deny', `if grep -q denied "${dir}/deny-$n.json"; then echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"not this one"}}}'; fi`), 'Bash'),
        ['-c', 'approval_policy="on-request"', '-c', 'sandbox_mode="read-only"'],
      );
      server!.onServerRequest('item/commandExecution/requestApproval', () => ({ decision: 'decline' }));
      model.enqueue(
        reply.call('exec_command', { cmd: `touch ${allowed}`, sandbox_permissions: 'require_escalated', justification: 'create a file' }, 'call-a'),
        reply.call('exec_command', { cmd: `touch ${denied}`, sandbox_permissions: 'require_escalated', justification: 'create a file' }, 'call-d'),
        reply.text('Finished.'),
      );
      await runTurn('make two files');
      assert.ok(fs.existsSync(allowed), 'the allowed command ran');
      assert.ok(!fs.existsSync(denied), 'the denied command did not');
      assert.equal(server!.serverRequests.length, 0, 'the hooks answered; the client was never asked');
      assert.ok(requestText(2).includes('not this one'));
      assert.deepEqual(server!.violations, []);
    });

    it("a thread's own config decides which hooks run (features.hooks = false in thread/start.config)", async () => {
      await startWith(hook('UserPromptSubmit', script('prompt', 'exit 0')));
      model.enqueue(reply.text('quiet'), reply.text('heard'));
      const { thread: quiet } = await server!.request('thread/start', { cwd: work, config: { 'features.hooks': false } });
      await server!.request('turn/start', { threadId: quiet.id, input: [{ type: 'text', text: 'no hooks here', text_elements: [] }] });
      await server!.waitFor('turn/completed', (p) => p.threadId === quiet.id, 60000);
      assert.deepEqual(inputs('prompt'), [], 'the thread turned hooks off for itself');
      assert.equal(hookRuns('hook/started').length, 0);

      const { thread: plain } = await server!.request('thread/start', { cwd: work });
      await server!.request('turn/start', { threadId: plain.id, input: [{ type: 'text', text: 'hooks here', text_elements: [] }] });
      await server!.waitFor('turn/completed', (p) => p.threadId === plain.id, 60000);
      assert.deepEqual(inputs('prompt').map((input) => input.prompt), ['hooks here'], 'other threads keep the configured hooks');
      assert.deepEqual(server!.violations, []);
    });
  });
}
