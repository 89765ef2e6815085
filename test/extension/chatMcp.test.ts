/**
 * MCP in the chat, with each app-server: the webview bundle (jsdom) ⇄
 * ChatController ⇄ CodexClient ⇄ app-server ⇄ SDK-built MCP fixture and the
 * scripted model. A tool call's approval and a server's question are inline
 * forms; tool calls are collapsible cards; `/mcp` lists servers and tools.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ChatControllerImpl } from '../../extension/chat/chatController';
import { CodexClient } from '../../extension/client/codexClient';
import { ProcessTransport } from '../../extension/client/processTransport';
import { makeTempDir, OUR_SERVER } from '../helpers/appServerProcess';
import { referenceEnv, testHome } from '../helpers/tempDir';
import { REFERENCE_CODEX } from '../helpers/protocolSchema';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { stdioServerToml } from '../helpers/mcp/fixtures';
import { ensureWebviewBundle, openWebview, type WebviewHarness } from '../webview/harness';
import { TestHost } from './chatRig';

class McpTestHost extends TestHost {
  constructor(workspace: string) {
    super(workspace);
    this.settingsValue = { ...this.settingsValue, approvalPolicy: 'on-request', sandboxMode: 'danger-full-access' };
  }
}

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 40000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function send(view: WebviewHarness, text: string): void {
  const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
  textarea.value = text;
  textarea.setSelectionRange(text.length, text.length);
  textarea.dispatchEvent(new view.window.Event('input', { bubbles: true }));
  textarea.dispatchEvent(new view.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
}

for (const which of ['reference', 'ours'] as const) {
  describe(`MCP in the chat (${which} app-server)`, function () {
    this.timeout(120000);
    let model: ScriptedModel;
    let client: CodexClient | undefined;
    let controller: ChatControllerImpl | undefined;
    let view: WebviewHarness | undefined;
    before(() => ensureWebviewBundle());

    beforeEach(async () => {
      model = await new ScriptedModel().start();
      const codexHome = makeTempDir('codex-mcp-chat-home-');
      model.writeConfig(codexHome, { extra: `\n${stdioServerToml('fx')}` });
      const config = path.join(codexHome, 'config.toml');
      fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('approval_policy = "never"', 'approval_policy = "on-request"'));
      const workspace = makeTempDir('codex-mcp-chat-ws-');
      client = new CodexClient({
        clientInfo: { name: 'codex_vscode_tests', title: 'Tests', version: '0.0.1' },
        backoff: { initialMs: 200 },
        transportFactory: async () => {
          const [command, args] = which === 'ours' ? [process.execPath, [OUR_SERVER]] : [REFERENCE_CODEX, ['app-server']];
          const env = { HOME: testHome(), CODEX_HOME: codexHome, MOCK_KEY: 'mock-key', RUST_LOG: 'warn', ...(which === 'reference' ? referenceEnv(codexHome) : {}) };
          return ProcessTransport.start({ command, args, cwd: workspace, env });
        },
      });
      controller = new ChatControllerImpl(client, new McpTestHost(workspace));
      await client.start();
      const opened = openWebview();
      view = opened;
      controller.attachView((message) => opened.send(JSON.parse(JSON.stringify(message))));
      const forward = (message: any) => void controller!.handleWebviewMessage(message);
      for (const message of opened.posted.splice(0)) forward(message);
      opened.posted.push = (...messages: any[]) => {
        for (const message of messages) forward(message);
        return Array.prototype.push.apply(opened.posted, messages);
      };
      fs.mkdirSync(path.join(workspace, 'src'), { recursive: true });
    });

    afterEach(async () => {
      view?.close();
      controller?.dispose();
      await client?.dispose();
      await model.stop();
    });

    it('asks to allow a tool inline, answers a server question with a form, shows collapsible tool cards and /mcp', async () => {
      const call = (name: string, args: object, callId: string) => reply.items({ type: 'function_call', namespace: 'mcp__fx', name, arguments: args, callId });
      model.enqueue(reply.text('Hello.'), call('echo', { text: 'hi' }, 'call_echo'), call('ask', {}, 'call_ask'), reply.text('All done.'));
      const doc = view!.document;
      // The reference samples a thread's first turn without the servers that are still starting,
      // so the MCP turn is the second one, once the server reported `ready`.
      let ready = false;
      const subscription = client!.onNotification('mcpServer/startupStatus/updated', (params) => (ready ||= params.status === 'ready'));
      send(view!, 'hi');
      await waitUntil(() => ready && /Hello\./.test(view!.transcript().textContent!) && !controller!.activeTurnId, 'the first answer and the MCP server');
      subscription.dispose();
      send(view!, 'use the MCP tools');

      // The tool call waits for the user's permission: an inline form with Allow / Deny.
      await waitUntil(() => doc.querySelector('form.elicitation.pending') !== null, 'the approval form');
      let form = doc.querySelector('form.elicitation.pending')!;
      assert.match(form.textContent!, /Allow the fx MCP server to run tool "echo"\?/);
      (form.querySelector('[data-elicit-action="accept"]') as HTMLElement).click();

      // ask: first its approval, then the server's own question with a Name field.
      await waitUntil(() => doc.querySelectorAll('form.elicitation.pending').length === 1 && /run tool "ask"/.test(doc.querySelector('form.elicitation.pending')!.textContent!), 'the approval of ask');
      (doc.querySelector('form.elicitation.pending [data-elicit-action="accept"]') as HTMLElement).click();
      await waitUntil(() => doc.querySelector('form.elicitation.pending input[data-field="name"]') !== null, 'the question form');
      form = doc.querySelector('form.elicitation.pending')!;
      assert.match(form.textContent!, /What is your name\?/);
      (form.querySelector('input[data-field="name"]') as HTMLInputElement).value = 'Ada';
      (form.querySelector('[data-elicit-action="accept"]') as HTMLElement).click();

      await waitUntil(() => /All done\./.test(view!.transcript().textContent!) && !controller!.activeTurnId, 'the final answer');
      const cards = Array.from(doc.querySelectorAll('details.mcp-tool')) as HTMLDetailsElement[];
      assert.equal(cards.length, 2);
      assert.equal(cards[0].querySelector('.mcp-server')!.textContent, 'fx');
      assert.equal(cards[0].querySelector('.mcp-tool-name')!.textContent, 'echo');
      assert.match(cards[0].querySelector('.mcp-arguments')!.textContent!, /"text": "hi"/);
      assert.equal(cards[0].querySelector('.mcp-result')!.textContent, 'echo: hi');
      assert.equal(cards[1].querySelector('.mcp-result')!.textContent, 'hello Ada');
      assert.equal(cards[0].open, false, 'a finished call is folded');
      assert.equal(doc.querySelectorAll('form.elicitation.resolved').length, 3);

      send(view!, '/mcp');
      await waitUntil(() => /MCP servers \(1\)/.test(view!.transcript().textContent!), 'the /mcp list');
      assert.match(view!.transcript().textContent!, /fx — 8 tools/);
      assert.match(view!.transcript().textContent!, /add, ask, crash, echo, fail, garbled, malformed, sleep/);
    });
  });
}
