/**
 * MCP servers in a real VS Code: the bundled server starts the SDK-built
 * fixture from config.toml, the MCP Servers view shows it ready with its
 * tools and resources (and a failing one with its reason, whose error can be
 * copied), "open config entry" lands on `[mcp_servers.fx]`, and a tool call
 * the scripted model makes shows as an MCP tool card in the chat.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { McpViewHandle } from '../../extension/mcp/mcpView';
import type { ExtensionServices } from '../../extension/services';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { activateCodex, codexHome, waitFor } from './index.helpers';

interface ChatInternals {
  entries: readonly { kind: string; id: string; server?: string; tool?: string; result?: string; status?: string }[];
}

/** The fixture server in the repository (the suites bundle runs elsewhere, so `__dirname` does not lead there). */
function fixtureServer(): string {
  const roots = [process.env.INIT_CWD, process.env.PWD, process.cwd()].filter((d): d is string => Boolean(d));
  for (const root of roots) {
    const candidate = path.join(root, 'test', 'helpers', 'mcp', 'fixtureServer.mjs');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`test/helpers/mcp/fixtureServer.mjs is not reachable from ${roots.join(', ')}`);
}

/**
 * The fixture runs on the node that runs the test harness (npm's), not on the extension host's
 * `process.execPath`: in code-server that is not a plain node and the fixture never starts.
 */
const serverToml = (name: string, env: Record<string, string> = {}) => {
  const all = { ...env };
  const node = process.env.npm_node_execpath || process.env.NODE || 'node';
  return [
    `[mcp_servers.${name}]`,
    `command = ${JSON.stringify(node)}`,
    `args = [${JSON.stringify(fixtureServer())}]`,
    // Loading the SDK takes seconds while code-server runs on a busy machine.
    'startup_timeout_sec = 60',
    Object.keys(all).length ? `env = { ${Object.entries(all).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')} }` : '',
    '',
  ].join('\n');
};

describe('MCP servers in a real VS Code', function () {
  this.timeout(90_000);
  let services: ExtensionServices & { views: { mcp: McpViewHandle } };
  let model: ScriptedModel;

  before(async () => {
    services = await activateCodex();
    model = await new ScriptedModel().start();
    model.writeConfig(codexHome(), { extra: `\n${serverToml('fx')}\n${serverToml('broken', { MCP_FIXTURE_FAIL_START: '1' })}` });
    await vscode.workspace.getConfiguration('codex').update('serverEnv', { MOCK_KEY: 'test-key', CODEX_HOME: codexHome() }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('codex.restartServer');
    await waitFor(() => services.client.state === 'connected', 30_000, 'the bundled server to connect');
    await vscode.commands.executeCommand('workbench.view.extension.codex');
  });

  after(async () => {
    await model?.stop();
    await vscode.workspace.getConfiguration('codex').update('serverEnv', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows each server with its state, tools and resources; copies the error of a failed one', async () => {
    // The server's own answer first: a failure then says what it saw.
    const listed = await services.client.request('mcpServerStatus/list', {});
    const summary = JSON.stringify(listed.data.map((s: any) => ({ name: s.name, tools: Object.keys(s.tools).length, error: s.toolsError })));
    assert.equal(listed.data.length, 2, summary);
    const snapshot = await waitFor(
      () => {
        const shown = services.views.mcp.snapshot();
        return shown.rows.some((row) => row.label === 'fx' && /^8 tools, 1 resource/.test(row.description ?? '')) && shown.rows.some((row) => row.label === 'broken' && row.description === 'failed') ? shown : undefined;
      },
      60_000,
      `the MCP Servers view to list fx and broken (server: ${summary})`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nview:\n${services.views.mcp.snapshot().text}`);
    });
    const labels = snapshot.rows.map((row) => `${'  '.repeat(row.depth)}${row.label}`);
    for (const tool of ['add', 'ask', 'echo', 'fail', 'sleep']) assert.ok(labels.includes(`  ${tool}`), `${tool} is listed under fx:\n${snapshot.text}`);
    assert.ok(labels.includes('  Fixture readme'), `the resource is listed:\n${snapshot.text}`);
    assert.match(snapshot.text, /broken — failed\n\s+MCP client for `broken` failed to start/);

    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('codex.mcp.copyError', 'broken');
    assert.match(await vscode.env.clipboard.readText(), /MCP client for `broken` failed to start/);

    await vscode.commands.executeCommand('codex.mcp.reload');
    await vscode.commands.executeCommand('codex.mcp.openConfig', 'fx');
    const editor = await waitFor(() => (vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('config.toml') ? vscode.window.activeTextEditor : undefined), 5000, 'config.toml opened');
    assert.equal(editor.document.lineAt(editor.selection.active.line).text, '[mcp_servers.fx]');
  });

  it('shows the model\'s MCP tool call as a card in the chat', async () => {
    model.enqueue(reply.items({ type: 'function_call', namespace: 'mcp__fx', name: 'echo', arguments: { text: 'from VS Code' }, callId: 'call_itest' }), reply.text('The tool answered.'));
    await services.chat.newThread();
    await services.chat.sendPrompt('Use the echo tool');
    const entries = () => (services.chat as unknown as ChatInternals).entries;
    await waitFor(() => !services.chat.activeTurnId && entries().some((entry) => entry.kind === 'agent'), 40_000, 'the answer after the tool call').catch((error: Error) => {
      throw new Error(`${error.message}\nentries: ${JSON.stringify(entries())}\nmodel requests: ${model.modelRequests.length}`);
    });
    const card = entries().find((entry) => entry.kind === 'mcpTool');
    assert.ok(card, `an MCP tool card: ${JSON.stringify(entries())}`);
    assert.equal(card.server, 'fx');
    assert.equal(card.tool, 'echo');
    assert.equal(card.status, 'completed');
    assert.equal(card.result, 'echo: from VS Code');
  });
});
