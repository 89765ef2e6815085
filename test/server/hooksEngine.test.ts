/**
 * The lifecycle hooks engine run for real: config layers in temp dirs, real
 * shell hook scripts, real processes. Every notification is checked against
 * the reference protocol schema.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { writeUserConfig } from '../../server/config';
import { HooksEngine } from '../../server/hooks/engine';
import { listHooksFor } from '../../server/hooks';
import type { HookContext } from '../../server/turn/lifecycleHooks';
import { loadProtocolSchema } from '../helpers/protocolSchema';
import { makeTempDir } from '../helpers/tempDir';

interface Env {
  home: string;
  cwd: string;
  dir: string;
  notifications: { method: string; params: any }[];
  ctx: HookContext;
  engine: HooksEngine;
}

const tmp = (prefix: string) => makeTempDir(prefix);

/** Writes a hook script; `$OUT` files let a test see what the hook received. */
function script(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

function setup(hooksToml: (dir: string) => string, options: { trust?: boolean } = {}): Env {
  const home = tmp('hooks-home-');
  const cwd = tmp('hooks-cwd-');
  const dir = tmp('hooks-scripts-');
  fs.writeFileSync(path.join(home, 'config.toml'), `model = "mock-model"\n\n${hooksToml(dir)}`);
  if (options.trust !== false) trustAll(home, cwd);
  const notifications: Env['notifications'] = [];
  const ctx: HookContext = {
    threadId: '0195d3c2-0000-7000-8000-000000000001',
    turnId: 'turn-1',
    cwd,
    model: 'mock-model',
    transcriptPath: path.join(home, 'rollout.jsonl'),
    permissionMode: 'on-request',
    notify: (method, params) => notifications.push({ method, params: JSON.parse(JSON.stringify(params)) }),
  };
  return { home, cwd, dir, notifications, ctx, engine: new HooksEngine({ codexHome: home, configOverrides: [] }) };
}

/** Trusts every listed hook the way a client does: `hooks.state."<key>".trusted_hash` via a config write. */
function trustAll(home: string, cwd: string): void {
  const { hooks } = listHooksFor(home, [], cwd);
  const state = Object.fromEntries(hooks.filter((h) => !h.isManaged).map((h) => [h.key, { trusted_hash: h.currentHash }]));
  writeUserConfig(home, [], [{ keyPath: 'hooks.state', value: state, mergeStrategy: 'upsert' }]);
}

const hookToml = (event: string, command: string, extra = '', matcher?: string) =>
  `[[hooks.${event}]]\n${matcher !== undefined ? `matcher = ${JSON.stringify(matcher)}\n` : ''}[[hooks.${event}.hooks]]\ntype = "command"\ncommand = ${JSON.stringify(command)}\n${extra}\n`;

function assertSchemaValid(notifications: Env['notifications']): void {
  const schema = loadProtocolSchema();
  for (const n of notifications) assert.equal(schema.validateNotification({ method: n.method, params: n.params } as { method: string }), null, `${n.method} is schema-valid`);
}

describe('lifecycle hooks engine', function () {
  this.timeout(30000);
  let savedSystemDir: string | undefined;
  beforeEach(() => {
    savedSystemDir = process.env.CODEX_SYSTEM_CONFIG_DIR;
    process.env.CODEX_SYSTEM_CONFIG_DIR = tmp('hooks-etc-');
  });
  afterEach(() => {
    if (savedSystemDir === undefined) delete process.env.CODEX_SYSTEM_CONFIG_DIR;
    else process.env.CODEX_SYSTEM_CONFIG_DIR = savedSystemDir;
  });

  it('SessionStart: gets the documented stdin, matches the source, plain stdout becomes context', async () => {
    const env = setup((dir) => {
      const s = script(dir, 'start.sh', `cat > "${dir}/in.json"\npwd > "${dir}/cwd.txt"\necho "remember the build uses make"`);
      return hookToml('SessionStart', s, 'statusMessage = "Loading context"', 'startup|resume');
    });
    const verdict = await env.engine.sessionStart(env.ctx, 'startup');
    assert.deepEqual(verdict, { blocked: false, additionalContext: ['remember the build uses make'] });
    const input = JSON.parse(fs.readFileSync(path.join(env.dir, 'in.json'), 'utf8'));
    assert.equal(input.hook_event_name, 'SessionStart');
    assert.equal(input.source, 'startup');
    assert.equal(input.session_id, env.ctx.threadId);
    assert.equal(input.cwd, env.cwd);
    assert.equal(input.model, 'mock-model');
    assert.equal(input.permission_mode, 'default', 'on-request is reported as the reference does');
    assert.equal(input.turn_id, undefined, 'SessionStart belongs to the thread');
    assert.equal(input.transcript_path, env.ctx.transcriptPath);
    assert.equal(fs.readFileSync(path.join(env.dir, 'cwd.txt'), 'utf8').trim(), fs.realpathSync(env.cwd), 'runs in the session cwd');

    assert.deepEqual(env.notifications.map((n) => n.method), ['hook/started', 'hook/completed']);
    const [started, completed] = env.notifications;
    assert.equal(started.params.run.status, 'running');
    assert.equal(started.params.run.statusMessage, 'Loading context');
    assert.equal(started.params.run.scope, 'thread');
    assert.equal(completed.params.run.status, 'completed');
    assert.deepEqual(completed.params.run.entries, [{ kind: 'context', text: 'remember the build uses make' }]);
    assert.equal(completed.params.run.id, started.params.run.id);
    assert.match(started.params.run.id, /^session-start:0:.*config\.toml$/, 'run ids look like the reference');
    assertSchemaValid(env.notifications);

    env.notifications.length = 0;
    assert.deepEqual(await env.engine.sessionStart(env.ctx, 'clear'), { blocked: false }, 'clear does not match startup|resume');
    assert.equal(env.notifications.length, 0);
  });

  it('SessionStart: JSON additionalContext and systemMessage', async () => {
    const env = setup((dir) => {
      const s = script(dir, 'start.sh', `echo '{"systemMessage":"hello user","hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"ctx from json"}}'`);
      return hookToml('SessionStart', s);
    });
    const verdict = await env.engine.sessionStart(env.ctx, 'resume');
    assert.deepEqual(verdict, { blocked: false, additionalContext: ['ctx from json'], systemMessages: ['hello user'] });
    assertSchemaValid(env.notifications);
  });

  it('UserPromptSubmit: gets the prompt; exit 2 blocks with stderr; matchers are ignored', async () => {
    const env = setup((dir) => {
      const s = script(dir, 'prompt.sh', `cat > "${dir}/in.json"\nif grep -q secret "${dir}/in.json"; then echo "no secrets in prompts" >&2; exit 2; fi\nexit 0`);
      return hookToml('UserPromptSubmit', s, '', 'this-matcher-is-ignored');
    });
    assert.deepEqual(await env.engine.userPromptSubmit(env.ctx, 'hello there'), { blocked: false });
    const input = JSON.parse(fs.readFileSync(path.join(env.dir, 'in.json'), 'utf8'));
    assert.equal(input.prompt, 'hello there');
    assert.equal(input.turn_id, 'turn-1');
    assert.equal(input.hook_event_name, 'UserPromptSubmit');

    const blocked = await env.engine.userPromptSubmit(env.ctx, 'my secret is 42');
    assert.deepEqual(blocked, { blocked: true, reason: 'no secrets in prompts' });
    const completed = env.notifications.filter((n) => n.method === 'hook/completed').pop()!;
    assert.equal(completed.params.run.status, 'blocked');
    assert.deepEqual(completed.params.run.entries, [{ kind: 'feedback', text: 'no secrets in prompts' }]);
    assertSchemaValid(env.notifications);
  });

  it('UserPromptSubmit: JSON decision block and additionalContext', async () => {
    const env = setup((dir) => {
      const s = script(dir, 'prompt.sh', `echo '{"decision":"block","reason":"prompt rejected by policy"}'`);
      const c = script(dir, 'ctx.sh', `echo '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"today is a holiday"}}'`);
      return hookToml('UserPromptSubmit', s) + hookToml('UserPromptSubmit', c);
    });
    const verdict = await env.engine.userPromptSubmit(env.ctx, 'hi');
    assert.deepEqual(verdict, { blocked: true, reason: 'prompt rejected by policy', additionalContext: ['today is a holiday'] });
  });

  it('PreToolUse: regex matchers on tool_name, Edit/Write alias apply_patch, permissionDecision deny blocks', async () => {
    const env = setup((dir) => {
      const deny = script(dir, 'deny.sh', `cat > "${dir}/pre.json"\necho '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"rm is not allowed"}}'`);
      const edits = script(dir, 'edits.sh', `echo edit >> "${dir}/edits.log"`);
      const all = script(dir, 'all.sh', `echo all >> "${dir}/all.log"`);
      return hookToml('PreToolUse', deny, '', '^Bash$') + hookToml('PreToolUse', edits, '', 'Edit|Write') + hookToml('PreToolUse', all, '', '*');
    });
    const bash = { toolName: 'Bash', toolUseId: 'call-1', toolInput: { command: 'rm -rf /tmp/x' } };
    const verdict = await env.engine.preToolUse(env.ctx, bash);
    assert.deepEqual(verdict, { blocked: true, reason: 'rm is not allowed' });
    const input = JSON.parse(fs.readFileSync(path.join(env.dir, 'pre.json'), 'utf8'));
    assert.deepEqual(
      { tool_name: input.tool_name, tool_use_id: input.tool_use_id, tool_input: input.tool_input, hook_event_name: input.hook_event_name },
      { tool_name: 'Bash', tool_use_id: 'call-1', tool_input: { command: 'rm -rf /tmp/x' }, hook_event_name: 'PreToolUse' },
    );
    assert.ok(!fs.existsSync(path.join(env.dir, 'edits.log')), 'Edit|Write does not match Bash');
    assert.equal(fs.readFileSync(path.join(env.dir, 'all.log'), 'utf8'), 'all\n');
    const ids = env.notifications.filter((n) => n.method === 'hook/started').map((n) => n.params.run.id as string);
    assert.ok(ids.every((id) => id.endsWith(':call-1')), 'tool hook run ids carry the tool use id');

    const patch = await env.engine.preToolUse(env.ctx, { toolName: 'apply_patch', toolUseId: 'call-2', toolInput: { input: '*** Begin Patch' } });
    assert.deepEqual(patch, { blocked: false });
    assert.equal(fs.readFileSync(path.join(env.dir, 'edits.log'), 'utf8'), 'edit\n', 'apply_patch matches Edit|Write once');
    assert.ok(!fs.existsSync(path.join(env.dir, 'pre.json.2')));
    assertSchemaValid(env.notifications);
  });

  it('PreToolUse: exit 2 blocks, legacy decision block, additionalContext, invalid JSON fails open', async () => {
    const env = setup((dir) =>
      [
        hookToml('PreToolUse', script(dir, 'a.sh', 'echo "blocked by exit 2" >&2; exit 2'), '', 'exit2'),
        hookToml('PreToolUse', script(dir, 'b.sh', `echo '{"decision":"block","reason":"legacy block"}'`), '', 'legacy'),
        hookToml('PreToolUse', script(dir, 'c.sh', `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","additionalContext":"careful"}}'`), '', 'context'),
        hookToml('PreToolUse', script(dir, 'd.sh', `echo '{not json'`), '', 'broken'),
        hookToml('PreToolUse', script(dir, 'e.sh', 'exit 1'), '', 'broken'),
      ].join(''),
    );
    const tool = (toolName: string) => ({ toolName, toolUseId: `id-${toolName}`, toolInput: {} });
    assert.deepEqual(await env.engine.preToolUse(env.ctx, tool('exit2')), { blocked: true, reason: 'blocked by exit 2' });
    assert.deepEqual(await env.engine.preToolUse(env.ctx, tool('legacy')), { blocked: true, reason: 'legacy block' });
    assert.deepEqual(await env.engine.preToolUse(env.ctx, tool('context')), { blocked: false, additionalContext: ['careful'] });
    env.notifications.length = 0;
    assert.deepEqual(await env.engine.preToolUse(env.ctx, tool('broken')), { blocked: false });
    const statuses = env.notifications.filter((n) => n.method === 'hook/completed').map((n) => [n.params.run.status, n.params.run.entries[0]?.kind]);
    assert.deepEqual(statuses, [
      ['failed', 'error'],
      ['failed', 'error'],
    ]);
    assertSchemaValid(env.notifications);
  });

  it('PermissionRequest: allow answers, any deny wins', async () => {
    const env = setup((dir) =>
      [
        hookToml('PermissionRequest', script(dir, 'allow.sh', `cat > "${dir}/perm.json"\necho '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}'`), '', 'Bash'),
        hookToml('PermissionRequest', script(dir, 'deny.sh', `echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"not on fridays"}}}'`), '', '^curl$'),
        hookToml('PermissionRequest', script(dir, 'deny2.sh', 'echo "exit-2 deny" >&2; exit 2'), '', '^wget$'),
      ].join(''),
    );
    const ask = (toolName: string) => env.engine.permissionRequest(env.ctx, { toolName, toolUseId: 't', toolInput: { command: 'ls' } });
    assert.deepEqual(await ask('Bash'), { decision: 'allow' });
    const input = JSON.parse(fs.readFileSync(path.join(env.dir, 'perm.json'), 'utf8'));
    assert.equal(input.hook_event_name, 'PermissionRequest');
    assert.deepEqual(input.tool_input, { command: 'ls' });
    assert.deepEqual(await ask('curl'), { decision: 'deny', reason: 'not on fridays' });
    assert.deepEqual(await ask('wget'), { decision: 'deny', reason: 'exit-2 deny' });
    assert.deepEqual(await ask('ls'), {}, 'no matching hook: the client decides');
    assertSchemaValid(env.notifications);
  });

  it('PostToolUse: gets tool_response; block feeds the reason back; additionalContext', async () => {
    const env = setup((dir) =>
      [
        hookToml('PostToolUse', script(dir, 'post.sh', `cat > "${dir}/post.json"\necho '{"decision":"block","reason":"tests failed, fix them","hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"see log"}}'`), '', 'Bash'),
      ].join(''),
    );
    const verdict = await env.engine.postToolUse(env.ctx, { toolName: 'Bash', toolUseId: 'c9', toolInput: { command: 'npm test' } }, { output: 'FAIL', exit_code: 1 });
    assert.deepEqual(verdict, { blocked: true, reason: 'tests failed, fix them', additionalContext: ['see log'] });
    const input = JSON.parse(fs.readFileSync(path.join(env.dir, 'post.json'), 'utf8'));
    assert.deepEqual(input.tool_response, { output: 'FAIL', exit_code: 1 });
    assert.equal(input.hook_event_name, 'PostToolUse');
    assertSchemaValid(env.notifications);
  });

  it('Stop: gets stop_hook_active and the last message; block continues the turn; continue:false stops', async () => {
    const env = setup((dir) =>
      hookToml(
        'Stop',
        script(dir, 'stop.sh', `cat > "${dir}/stop.json"\nif grep -q '"stop_hook_active":true' "${dir}/stop.json"; then echo '{"continue":false,"stopReason":"enough"}'; else echo '{"decision":"block","reason":"run the tests first"}'; fi`),
        '',
        'ignored-matcher',
      ),
    );
    assert.deepEqual(await env.engine.stop(env.ctx, 'All done.', false), { blocked: true, reason: 'run the tests first' });
    const input = JSON.parse(fs.readFileSync(path.join(env.dir, 'stop.json'), 'utf8'));
    assert.equal(input.last_assistant_message, 'All done.');
    assert.equal(input.stop_hook_active, false);
    const second = await env.engine.stop(env.ctx, 'Tests pass.', true);
    assert.deepEqual(second, { blocked: true, reason: 'enough' });
    const last = env.notifications.filter((n) => n.method === 'hook/completed').pop()!;
    assert.equal(last.params.run.status, 'stopped');
    assert.deepEqual(last.params.run.entries, [{ kind: 'stop', text: 'enough' }]);
    assertSchemaValid(env.notifications);
  });

  it('matching handlers start concurrently and each is announced before any completes', async () => {
    // A rendezvous instead of timing: each hook marks that it started, then waits (up to 8 s) for
    // all three marks. Run one after another, the first would wait alone and say so.
    const rendezvous = (dir: string, i: number) =>
      [
        `touch "${dir}/started-${i}"`,
        'n=0',
        `until [ -e "${dir}/started-1" ] && [ -e "${dir}/started-2" ] && [ -e "${dir}/started-3" ]; do`,
        `  n=$((n+1)); if [ $n -gt 80 ]; then echo '{"systemMessage":"alone ${i}"}'; exit 0; fi; sleep 0.1`,
        'done',
        `echo '{"systemMessage":"done ${i}"}'`,
      ].join('\n');
    const env = setup((dir) => [1, 2, 3].map((i) => hookToml('Stop', script(dir, `slow${i}.sh`, rendezvous(dir, i)))).join(''));
    const verdict = await env.engine.stop(env.ctx, null, false);
    assert.deepEqual(verdict.systemMessages, ['done 1', 'done 2', 'done 3'], 'the three hooks ran at the same time; outputs fold in configured order');
    assert.deepEqual(env.notifications.slice(0, 3).map((n) => n.method), ['hook/started', 'hook/started', 'hook/started']);
    assert.equal(env.notifications.filter((n) => n.method === 'hook/completed').length, 3);
    assertSchemaValid(env.notifications);
  });

  it('a hook past its timeout is killed and reported failed without blocking', async () => {
    const env = setup((dir) => hookToml('PreToolUse', script(dir, 'hang.sh', `sleep 30\necho late > "${dir}/late.txt"`), 'timeout = 1'));
    const started = Date.now();
    const verdict = await env.engine.preToolUse(env.ctx, { toolName: 'Bash', toolUseId: 'x', toolInput: {} });
    assert.ok(Date.now() - started < 5000, 'returned soon after the 1 s timeout');
    assert.deepEqual(verdict, { blocked: false });
    const completed = env.notifications.find((n) => n.method === 'hook/completed')!;
    assert.equal(completed.params.run.status, 'failed');
    assert.match(completed.params.run.entries[0].text, /timed out after 1s/);
    assert.ok(!fs.existsSync(path.join(env.dir, 'late.txt')));
    assertSchemaValid(env.notifications);
  });

  it('a hook that leaves a background process behind completes when it exits', async () => {
    const env = setup((dir) => hookToml('Stop', script(dir, 'bg.sh', `sleep 20 &\necho '{"systemMessage":"left a child"}'`)));
    const started = Date.now();
    const verdict = await env.engine.stop(env.ctx, null, false);
    assert.ok(Date.now() - started < 3000, 'did not wait for the background sleep');
    assert.deepEqual(verdict.systemMessages, ['left a child']);
  });

  it('untrusted, modified, disabled and async hooks do not run', async () => {
    const env = setup(
      (dir) =>
        hookToml('UserPromptSubmit', script(dir, 'mark.sh', `echo ran >> "${dir}/ran.log"`)) +
        hookToml('UserPromptSubmit', script(dir, 'async.sh', `echo async >> "${dir}/async.log"`), 'async = true'),
      { trust: false },
    );
    const ranLog = path.join(env.dir, 'ran.log');
    await env.engine.userPromptSubmit(env.ctx, 'a');
    assert.ok(!fs.existsSync(ranLog), 'untrusted hook did not run');
    assert.equal(env.notifications.length, 0);

    trustAll(env.home, env.cwd);
    await env.engine.userPromptSubmit(env.ctx, 'b');
    assert.equal(fs.readFileSync(ranLog, 'utf8'), 'ran\n', 'trusted hook ran');
    assert.ok(!fs.existsSync(path.join(env.dir, 'async.log')), 'async hook skipped');

    // Changing the command makes it "modified": it stops running until reviewed again.
    const configFile = path.join(env.home, 'config.toml');
    fs.writeFileSync(configFile, fs.readFileSync(configFile, 'utf8').replace('mark.sh', 'mark.sh --changed'));
    const listed = listHooksFor(env.home, [], env.cwd).hooks.find((h) => h.command.includes('--changed'))!;
    assert.equal(listed.trustStatus, 'modified');
    await env.engine.userPromptSubmit(env.ctx, 'c');
    assert.equal(fs.readFileSync(ranLog, 'utf8'), 'ran\n', 'modified hook did not run');

    trustAll(env.home, env.cwd);
    writeUserConfig(env.home, [], [{ keyPath: 'hooks.state', value: { [listed.key]: { enabled: false } }, mergeStrategy: 'upsert' }]);
    assert.equal(listHooksFor(env.home, [], env.cwd).hooks.find((h) => h.key === listed.key)!.trustStatus, 'trusted');
    await env.engine.userPromptSubmit(env.ctx, 'd');
    assert.equal(fs.readFileSync(ranLog, 'utf8'), 'ran\n', 'disabled hook did not run');
  });

  it('plugin hooks run with PLUGIN_ROOT and PLUGIN_DATA set', async () => {
    const env = setup(() => '[features]\nplugin_hooks = true\n\n[plugins."demo@m"]\nenabled = true\n', { trust: false });
    const root = path.join(env.home, 'plugins', 'cache', 'm', 'demo', '1.0.0');
    fs.mkdirSync(path.join(root, '.codex-plugin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'hooks'));
    fs.writeFileSync(path.join(root, '.codex-plugin', 'plugin.json'), '{"name":"demo"}');
    fs.writeFileSync(path.join(root, 'hooks', 'hooks.json'), JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'sh ${PLUGIN_ROOT}/ctx.sh' }] }] } }));
    fs.writeFileSync(path.join(root, 'ctx.sh'), `echo "{\\"hookSpecificOutput\\":{\\"hookEventName\\":\\"UserPromptSubmit\\",\\"additionalContext\\":\\"data=$PLUGIN_DATA\\"}}"\n`);
    assert.deepEqual(await env.engine.userPromptSubmit(env.ctx, 'x'), { blocked: false }, 'not reviewed yet');
    trustAll(env.home, env.cwd);
    const verdict = await env.engine.userPromptSubmit(env.ctx, 'x');
    assert.deepEqual(verdict.additionalContext, [`data=${path.join(env.home, 'plugins', 'data', 'demo-m')}`]);
    const started = env.notifications.find((n) => n.method === 'hook/started')!;
    assert.equal(started.params.run.source, 'plugin');
    assertSchemaValid(env.notifications);
  });

  it('features.hooks = false (or the deprecated codex_hooks) turns hooks off', async () => {
    const env = setup((dir) => `[features]\ncodex_hooks = false\n\n` + hookToml('UserPromptSubmit', script(dir, 'mark.sh', `echo ran >> "${dir}/ran.log"`)));
    await env.engine.userPromptSubmit(env.ctx, 'x');
    assert.ok(!fs.existsSync(path.join(env.dir, 'ran.log')));
    writeUserConfig(env.home, [], [{ keyPath: 'features.hooks', value: true, mergeStrategy: 'replace' }]);
    await env.engine.userPromptSubmit(env.ctx, 'y');
    assert.ok(fs.existsSync(path.join(env.dir, 'ran.log')), 'features.hooks wins over the deprecated alias');
  });
});
