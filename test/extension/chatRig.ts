/**
 * The chat test rig: the chat webview (built bundle in jsdom), a ChatController
 * and a CodexClient connected to a real app-server (ours or the reference),
 * with VS Code replaced by TestHost, a ChatHost that records commands and
 * attention signals and searches a real temporary workspace.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ChatControllerImpl } from '../../extension/chat/chatController';
import type { ChatHost, ChatSettings, PickItem, ThreadChoice } from '../../extension/chat/chatHost';
import { fuzzyScore } from '../../extension/chat/fuzzy';
import { CodexClient } from '../../extension/client/codexClient';
import { ProcessTransport } from '../../extension/client/processTransport';
import type { MentionCandidate } from '../../webview/protocol';
import { makeTempDir, OUR_SERVER } from '../helpers/appServerProcess';
import { referenceEnv, testHome } from '../helpers/tempDir';
import { REFERENCE_CODEX } from '../helpers/protocolSchema';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ensureWebviewBundle, openWebview, type WebviewHarness } from '../webview/harness';
import type { NotificationArgs } from '../../protocol';


export class TestHost implements ChatHost {
  readonly commands: { command: string; args: unknown[] }[] = [];
  readonly attention: number[] = [];
  readonly logs: string[] = [];
  visible = true;
  savedThread: string | undefined;
  pickedThread: string | undefined;
  /** Quick picks shown (pickOne), and what the next one answers (undefined: dismissed). */
  readonly picks: { placeholder: string; items: PickItem<string>[] }[] = [];
  nextPick: string | undefined;
  /** The file the next file picker answers, by workspace-relative path. */
  nextFile: string | undefined;
  clipboard = '';
  settingsValue: ChatSettings;

  constructor(readonly workspace: string) {
    this.settingsValue = { model: '', approvalPolicy: '', sandboxMode: '', cwd: workspace, autoContext: false };
  }
  settings(): ChatSettings {
    return this.settingsValue;
  }
  async findFiles(query: string, limit: number): Promise<MentionCandidate[]> {
    const found: { score: number; candidate: MentionCandidate }[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else {
          const relativePath = path.relative(this.workspace, full);
          const score = fuzzyScore(query, relativePath);
          if (score !== null) found.push({ score, candidate: { name: entry.name, path: full, relativePath } });
        }
      }
    };
    walk(this.workspace);
    return found.sort((a, b) => b.score - a.score).slice(0, limit).map((f) => f.candidate);
  }
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    this.commands.push({ command, args });
    return undefined;
  }
  /** Questions asked (message, detail, choices); answered with `answer` (undefined: cancelled). */
  readonly asked: { message: string; detail: string; choices: string[] }[] = [];
  answer: string | undefined;
  async ask(message: string, detail: string, choices: string[]): Promise<string | undefined> {
    this.asked.push({ message, detail, choices });
    return this.answer;
  }
  async pickThread(choices: ThreadChoice[]): Promise<string | undefined> {
    // Like a user, it can only pick a thread the list offers.
    return choices.find((choice) => choice.id === this.pickedThread)?.id;
  }
  async pickModel(): Promise<string | undefined> {
    return undefined;
  }
  async pickOne<T extends string>(items: PickItem<T>[], placeholder: string): Promise<T | undefined> {
    this.picks.push({ placeholder, items });
    // Like a user, it can only choose what the list offers.
    return items.find((item) => item.value === this.nextPick)?.value;
  }
  async pickFile(_placeholder: string, initialQuery?: string): Promise<MentionCandidate | undefined> {
    const files = await this.findFiles(initialQuery ?? '', 200);
    return files.find((file) => file.relativePath === this.nextFile);
  }
  async writeClipboard(text: string): Promise<void> {
    this.clipboard = text;
  }
  async openFile(): Promise<void> {}
  async reveal(): Promise<void> {
    this.visible = true;
  }
  isViewVisible(): boolean {
    return this.visible;
  }
  setAttention(pending: number): void {
    this.attention.push(pending);
  }
  saveThreadId(threadId: string | undefined): void {
    this.savedThread = threadId;
  }
  savedThreadId(): string | undefined {
    return this.savedThread;
  }
  setContext(): void {}
  log(line: string): void {
    this.logs.push(line);
  }
}

export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 30000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Rig {
  client: CodexClient;
  controller: ChatControllerImpl;
  host: TestHost;
  view: WebviewHarness;
  transports: ProcessTransport[];
  workspace: string;
  /** Connects a fresh webview, as VS Code does when the view is shown again. */
  reopenView(): void;
  dispose(): Promise<void>;
}

/**
 * The client as the controller sees it, with `turn/completed` held back while `holding`: the
 * moment between a turn ending on the server and its completion reaching the extension.
 */
export class HeldTurnCompletions {
  holding = true;
  private readonly held: (() => void)[] = [];
  get heldCount(): number {
    return this.held.length;
  }
  wrap(client: CodexClient): CodexClient {
    return new Proxy(client, {
      get: (target, property) => {
        if (property !== 'onAnyNotification') {
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (handler: (...notification: NotificationArgs) => void) =>
          target.onAnyNotification((...notification) => {
            if (this.holding && notification[0] === 'turn/completed') this.held.push(() => handler(...notification));
            else handler(...notification);
          });
      },
    });
  }
  release(): void {
    this.holding = false;
    for (const deliver of this.held.splice(0)) deliver();
  }
}

export async function startRig(which: 'ours' | 'reference', model: ScriptedModel, options: { saved?: string; codexHome?: string; wrapClient?: (client: CodexClient) => CodexClient } = {}): Promise<Rig> {
  const codexHome = options.codexHome ?? makeTempDir('codex-chat-home-');
  if (!options.codexHome) model.writeConfig(codexHome);
  const workspace = makeTempDir('codex-chat-ws-');
  fs.mkdirSync(path.join(workspace, 'src'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'src', 'server-main.ts'), 'export {};\n');
  const transports: ProcessTransport[] = [];
  const client = new CodexClient({
    clientInfo: { name: 'codex_vscode_tests', title: 'Tests', version: '0.0.1' },
    backoff: { initialMs: 200 },
    transportFactory: async () => {
      const [command, args] = which === 'ours' ? [process.execPath, [OUR_SERVER]] : [REFERENCE_CODEX, ['app-server']];
      const transport = ProcessTransport.start({ command, args, cwd: workspace, env: { HOME: testHome(), CODEX_HOME: codexHome, MOCK_KEY: 'mock-key', RUST_LOG: 'warn', ...(which === 'reference' ? referenceEnv(codexHome) : {}) } });
      transports.push(transport);
      return transport;
    },
  });
  const host = new TestHost(workspace);
  host.savedThread = options.saved;
  const controller = new ChatControllerImpl(options.wrapClient?.(client) ?? client, host);
  const rig: Rig = {
    client,
    controller,
    host,
    view: undefined as unknown as WebviewHarness,
    transports,
    workspace,
    reopenView() {
      rig.view?.close();
      controller.detachView();
      const view = openWebview();
      controller.attachView((message) => view.send(JSON.parse(JSON.stringify(message))));
      // Flush what the webview posted so far (its `ready`) and everything it posts later.
      const forward = (message: any) => void controller.handleWebviewMessage(message);
      for (const message of view.posted.splice(0)) forward(message);
      view.posted.push = (...messages: any[]) => {
        for (const message of messages) forward(message);
        return Array.prototype.push.apply(view.posted, messages);
      };
      rig.view = view;
    },
    async dispose() {
      rig.view?.close();
      controller.dispose();
      await client.dispose();
    },
  };
  await client.start();
  rig.reopenView();
  return rig;
}

export function composerSend(view: WebviewHarness, text: string): void {
  const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
  textarea.value = text;
  textarea.setSelectionRange(text.length, text.length);
  textarea.dispatchEvent(new view.window.Event('input', { bubbles: true }));
  textarea.dispatchEvent(new view.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
}

export const entriesOfKind = (view: WebviewHarness, kind: string) => Array.from(view.document.querySelectorAll(`.entry-${kind}`)) as HTMLElement[];
