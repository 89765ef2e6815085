/**
 * The MCP protocol methods (`mcpServerStatus/list`, `mcpServer/tool/call`,
 * `mcpServer/resource/read`, `config/mcpServer/reload`), `required = true`,
 * hooks on MCP tools and child-process cleanup, on both app-servers; and the
 * config rules (mixed fields, untrusted projects, requirements) on ours.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir, RpcResponseError, type Which } from '../helpers/appServerProcess';
import { reply } from '../helpers/scriptedModel';
import { livePids, stdioServerToml } from '../helpers/mcp/fixtures';
import { startMcpRun, stopAllMcpRuns, stopMcpRun, turn } from './mcpHelpers';
import { waitUntil } from './turnHelpers';

const SERVERS: Which[] = ['reference', 'ours'];

/** A status entry without the fields that legitimately differ (pids, ports). */
const statusSummary = (entry: any) => ({
  name: entry.name,
  runtimeStatus: entry.runtimeStatus,
  tools: Object.keys(entry.tools).sort(),
  resources: entry.resources.map((r: any) => r.uri),
  authStatus: entry.authStatus,
  failed: entry.toolsError !== null,
  serverInfo: entry.serverInfo,
});

describe('MCP protocol methods', function () {
  this.timeout(120000);
  afterEach(stopAllMcpRuns);

  const results: Record<string, any> = {};
  for (const which of SERVERS) {
    it(`${which}: status list (with and without a thread), tool call, resource read, errors and reload`, async () => {
      const pidFile = path.join(makeTempDir('mcp-pids-'), 'pids');
      const toml = [stdioServerToml('fx', { env: { MCP_FIXTURE_PID_FILE: pidFile }, extra: ['disabled_tools = ["crash"]'] }), stdioServerToml('bad', { env: { MCP_FIXTURE_FAIL_START: '1' } })].join('\n');
      const run = await startMcpRun(which, toml, []);
      const server = run.server;
      const withoutThread = await server.request('mcpServerStatus/list', {});
      const withThread = await server.request('mcpServerStatus/list', { threadId: run.threadId });
      const toolsOnly = await server.request('mcpServerStatus/list', { threadId: run.threadId, detail: 'toolsAndAuthOnly', serverName: 'fx' });
      const called = await server.request('mcpServer/tool/call', { threadId: run.threadId, server: 'fx', tool: 'add', arguments: { a: 20, b: 22 } });
      const readWithThread = await server.request('mcpServer/resource/read', { threadId: run.threadId, server: 'fx', uri: 'fixture://readme' });
      const readWithoutThread = await server.request('mcpServer/resource/read', { server: 'fx', uri: 'fixture://readme' });
      const unknown = await server.request('mcpServer/tool/call', { threadId: run.threadId, server: 'nosuch', tool: 'echo' }).catch((e: RpcResponseError) => e);
      const badParams = await server.request('mcpServer/tool/call', { threadId: run.threadId, server: 42 }).catch((e: RpcResponseError) => e);

      // Reload after adding a server: the new one starts, the thread lists it.
      fs.appendFileSync(path.join(run.codexHome, 'config.toml'), `\n${stdioServerToml('second', { env: { MCP_FIXTURE_PID_FILE: pidFile } })}`);
      const reloaded = await server.request('config/mcpServer/reload', {});
      const afterReload = await server.request('mcpServerStatus/list', { threadId: run.threadId });
      assert.deepEqual(run.server.violations, []);

      results[which] = {
        withoutThread: withoutThread.data.map(statusSummary),
        withThread: withThread.data.map(statusSummary),
        toolsOnly: toolsOnly.data.map(statusSummary),
        nextCursor: withThread.nextCursor,
        called,
        readWithThread,
        readWithoutThread,
        unknown: [unknown.code, unknown.message],
        badParamsCode: badParams.code,
        reloaded,
      };
      const names = afterReload.data.map((entry: any) => entry.name);
      if (which === 'ours') {
        // The reference restarts servers for new threads only; ours also starts them in loaded threads.
        assert.deepEqual(names, ['bad', 'fx', 'second']);
        await waitUntil('second server connected', () => run.server.notifications.some((n) => n.method === 'mcpServer/startupStatus/updated' && n.params.name === 'second' && n.params.status === 'ready'));
        // A changed entry restarts that server only; the unchanged ones keep their connection.
        const configFile = path.join(run.codexHome, 'config.toml');
        fs.writeFileSync(configFile, fs.readFileSync(configFile, 'utf8').replace('disabled_tools = ["crash"]', 'disabled_tools = ["crash", "sleep"]'));
        run.server.clearNotifications();
        await server.request('config/mcpServer/reload', {});
        const restarted = run.server.notifications.filter((n) => n.method === 'mcpServer/startupStatus/updated').map((n) => `${n.params.name}:${n.params.status}`);
        assert.deepEqual(restarted, ['fx:starting', 'fx:ready']);
        const fx = (await server.request('mcpServerStatus/list', { threadId: run.threadId, serverName: 'fx' })).data[0];
        assert.equal('sleep' in fx.tools, false);
      }
      await stopMcpRun(run);
      await waitUntil('no MCP child process left', () => livePids(pidFile).length === 0, 10000);
    });
  }

  it('both servers answer the same', () => {
    assert.ok(results.ours && results.reference, 'both runs finished');
    const { ours, reference } = results;
    // Invalid params: the reference answers -32600, our registry -32602 for every method; both refuse.
    assert.ok(ours.badParamsCode < 0 && reference.badParamsCode < 0);
    for (const key of ['withoutThread', 'withThread', 'toolsOnly', 'nextCursor', 'called', 'readWithThread', 'readWithoutThread', 'reloaded']) {
      assert.deepEqual(ours[key], reference[key], key);
    }
    assert.deepEqual(ours.unknown, reference.unknown);
    assert.deepEqual(ours.called, { content: [{ type: 'text', text: '42' }], structuredContent: { sum: 42 } });
  });

  for (const which of SERVERS) {
    it(`${which}: a required server that fails to start fails thread/start with the reason`, async () => {
      const model = await import('../helpers/scriptedModel').then((m) => new m.ScriptedModel().start());
      const codexHome = makeTempDir('codex-home-');
      fs.mkdirSync(path.join(codexHome, 'tmp'));
      model.writeConfig(codexHome, { extra: `\n${stdioServerToml('bad', { env: { MCP_FIXTURE_FAIL_START: '1' }, extra: ['required = true'] })}` });
      const server = await AppServerProcess.start(which, { codexHome, cwd: codexHome, env: { TMPDIR: path.join(codexHome, 'tmp') } });
      try {
        const error = await server.request('thread/start', { cwd: codexHome }).then(() => null, (e: RpcResponseError) => e);
        assert.ok(error, 'thread/start failed');
        assert.equal(error!.code, -32603);
        assert.match(error!.message, /required MCP servers failed to initialize: bad: /);
        // The server stays usable.
        assert.ok(Array.isArray((await server.request('thread/list', {})).data));
      } finally {
        await server.stop();
        await model.stop();
      }
    });

    it(`${which}: PreToolUse and PostToolUse hooks match mcp__<server>__<tool>`, async () => {
      const dir = makeTempDir('mcp-hooks-');
      const script = (name: string, body: string) => {
        const file = path.join(dir, `${name}.sh`);
        fs.writeFileSync(file, `#!/bin/sh\ncat > "${dir}/${name}.json"\n${body}\n`, { mode: 0o755 });
        return file;
      };
      const deny = `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no echo today"}}'`;
      const hooks = [
        `[[hooks.PreToolUse]]\nmatcher = "mcp__fx__echo"\n[[hooks.PreToolUse.hooks]]\ntype = "command"\ncommand = ${JSON.stringify(script('pre', deny))}\n`,
        `[[hooks.PostToolUse]]\nmatcher = "mcp__.*"\n[[hooks.PostToolUse.hooks]]\ntype = "command"\ncommand = ${JSON.stringify(script('post', ''))}\n`,
      ].join('\n');
      const call = (name: string, args: object, callId: string) => reply.items({ type: 'function_call', namespace: 'mcp__fx', name, arguments: args, callId });
      const run = await startMcpRun(which, `${hooks}\n${stdioServerToml('fx')}`, [call('echo', { text: 'x' }, 'call_1'), call('add', { a: 1, b: 2 }, 'call_2'), reply.text('done')], {
        beforeThread: async (server, cwd) => {
          const listed = (await server.request('hooks/list', { cwds: [cwd] })).data[0].hooks;
          const state = Object.fromEntries(listed.map((h: any) => [h.key, { trusted_hash: h.currentHash }]));
          await server.request('config/batchWrite', { edits: [{ keyPath: 'hooks.state', value: state, mergeStrategy: 'upsert' }] });
        },
      });
      await turn(run);
      const pre = JSON.parse(fs.readFileSync(path.join(dir, 'pre.json'), 'utf8'));
      const post = JSON.parse(fs.readFileSync(path.join(dir, 'post.json'), 'utf8'));
      assert.equal(pre.tool_name, 'mcp__fx__echo');
      assert.deepEqual(pre.tool_input, { text: 'x' });
      assert.equal(post.tool_name, 'mcp__fx__add');
      assert.deepEqual(post.tool_response, { content: [{ type: 'text', text: '3' }], structuredContent: { sum: 3 } });
      const outputs = run.model.modelRequests[2].body.input.filter((item: any) => item.type === 'function_call_output');
      assert.equal(outputs[0].output, 'Tool call blocked by PreToolUse hook: no echo today. Tool: mcp__fx__echo');
      // A blocked call has no item.
      assert.deepEqual(run.server.notifications.filter((n) => n.method === 'item/started' && n.params.item.type === 'mcpToolCall').map((n) => n.params.item.id), ['call_2']);
    });
  }
});

describe('MCP config (ours)', function () {
  this.timeout(60000);
  let server: AppServerProcess | undefined;
  afterEach(async () => server?.stop());

  it('mixed stdio/HTTP fields are a configWarning; untrusted project servers and servers outside the requirements are left out', async () => {
    const codexHome = makeTempDir('codex-home-');
    const etc = makeTempDir('codex-etc-');
    const project = makeTempDir('codex-project-');
    fs.mkdirSync(path.join(project, '.git'));
    fs.mkdirSync(path.join(project, '.codex'));
    fs.writeFileSync(path.join(project, '.codex', 'config.toml'), stdioServerToml('fromproject'));
    fs.writeFileSync(
      path.join(codexHome, 'config.toml'),
      [stdioServerToml('fx'), stdioServerToml('blocked'), '[mcp_servers.mixed]\ncommand = "node"\nurl = "http://127.0.0.1:9/mcp"\n'].join('\n'),
    );
    fs.writeFileSync(path.join(etc, 'requirements.toml'), '[mcp_servers.fx]\n[mcp_servers.mixed]\n[mcp_servers.fromproject]\n');
    server = AppServerProcess.spawn('ours', { codexHome, cwd: project, env: { CODEX_SYSTEM_CONFIG_DIR: etc } });
    await server.initialize();
    await waitUntil('config warnings', () => server!.notifications.filter((n) => n.method === 'configWarning').length >= 2);
    const warnings = server.notifications.filter((n) => n.method === 'configWarning').map((n) => n.params.summary);
    assert.ok(warnings.some((w) => /"mixed".*mixes stdio fields \(command\) with Streamable HTTP fields \(url\)/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /"blocked" is disabled: it is not allowed by/.test(w)), warnings.join('\n'));
    const listed = await server.request('mcpServerStatus/list', {});
    assert.deepEqual(listed.data.map((entry: any) => entry.name), ['fx'], 'the untrusted project server is not listed');
    assert.deepEqual(server.violations, []);
  });
});
