/**
 * Several chats on one client (the side bar and editor tabs): each keeps its
 * own thread, and an approval request reaches the chat showing its thread
 * (ServerRequestRouter), through the real client and our server.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ChatControllerImpl } from '../../extension/chat/chatController';
import { ServerRequestRouter } from '../../extension/chat/serverRequestRouter';
import { CodexClient } from '../../extension/client/codexClient';
import { ProcessTransport } from '../../extension/client/processTransport';
import { makeTempDir, OUR_SERVER } from '../helpers/appServerProcess';
import { testHome } from '../helpers/tempDir';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { waitUntil } from '../server/turnHelpers';
import { TestHost } from './chatRig';

class TabHost extends TestHost {
  constructor(workspace: string) {
    super(workspace);
    this.settingsValue = { ...this.settingsValue, approvalPolicy: 'on-request', sandboxMode: 'workspace-write' };
  }
}

describe('chat tabs: separate threads on one client, approvals routed to the chat showing the thread', function () {
  this.timeout(120000);

  it('asks the approval of thread B in the tab on thread B, not in the side bar on thread A', async () => {
    const model = await new ScriptedModel().start();
    const codexHome = makeTempDir('codex-tabs-home-');
    model.writeConfig(codexHome);
    const workspace = makeTempDir('codex-tabs-ws-');
    const client = new CodexClient({
      clientInfo: { name: 'codex_vscode_tests', title: 'Tests', version: '0.0.1' },
      transportFactory: async () =>
        ProcessTransport.start({ command: process.execPath, args: [OUR_SERVER], cwd: workspace, env: { HOME: testHome(), CODEX_HOME: codexHome, MOCK_KEY: 'mock-key' } }),
    });
    const router = new ServerRequestRouter(client);
    let sidebar: ChatControllerImpl | undefined;
    let tab: ChatControllerImpl | undefined;
    sidebar = new ChatControllerImpl(router.clientFor(client, () => sidebar?.currentThreadId), new TabHost(workspace));
    tab = new ChatControllerImpl(router.clientFor(client, () => tab?.currentThreadId), new TabHost(workspace));
    try {
      for (const chat of [sidebar, tab]) {
        chat.attachView(() => undefined);
        await chat.handleWebviewMessage({ type: 'ready' });
      }
      await client.start();
      model.enqueue(reply.text('thread A here'));
      await sidebar.handleWebviewMessage({ type: 'send', text: 'hello A', mentions: [] });
      await waitUntil('thread A answered', () => sidebar!.entries.some((e) => e.kind === 'agent' && e.text === 'thread A here' && !e.streaming));

      model.enqueue(reply.call('exec_command', { cmd: 'touch approved.txt', sandbox_permissions: 'require_escalated', justification: 'needs it' }, 'call_b'), reply.text('done in B'));
      await tab.handleWebviewMessage({ type: 'send', text: 'hello B', mentions: [] });
      await waitUntil('the approval card in the tab', () => tab!.entries.some((e) => e.kind === 'approval'));
      assert.notEqual(sidebar.currentThreadId, tab.currentThreadId, 'two threads side by side');
      assert.ok(!sidebar.entries.some((e) => e.kind === 'approval'), 'the side bar (thread A) is not asked');
      assert.ok(!sidebar.entries.some((e) => e.kind === 'user' && e.text === 'hello B'), "thread B's messages stay in its tab");
      const card = tab.entries.find((e) => e.kind === 'approval')!;
      await tab.handleWebviewMessage({ type: 'approve', id: card.id, decision: 'accept' });
      await waitUntil('thread B done', () => tab!.entries.some((e) => e.kind === 'agent' && e.text === 'done in B' && !e.streaming));
      assert.ok(fs.existsSync(path.join(workspace, 'approved.txt')));
    } finally {
      sidebar.dispose();
      tab.dispose();
      await client.dispose();
      await model.stop();
    }
  });
});
