/** The real ChatHost: settings, files, commands, pickers and the attention signal in VS Code. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MentionCandidate } from '../../webview/protocol';
import type { ChatHost, ChatSettings, PickItem, ThreadChoice } from './chatHost';
import type { ChatViewProvider } from './chatViewProvider';
import { remoteServerInUse } from '../remote/remoteConnection';
import { fuzzyScore } from './fuzzy';

const THREAD_KEY = 'codex.chat.threadId';
/** Files are listed once and reused for this long: typing `@abc` must not rescan the workspace per key. */
const FILE_CACHE_MS = 10_000;

export class VscodeChatHost implements ChatHost {
  private fileCache: { at: number; files: vscode.Uri[] } | undefined;
  private lastNotifiedCount = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly viewProvider: ChatViewProvider,
    private readonly output: vscode.OutputChannel,
  ) {}

  settings(): ChatSettings {
    const config = vscode.workspace.getConfiguration('codex');
    return {
      model: config.get<string>('model', ''),
      approvalPolicy: config.get<string>('approvalPolicy', ''),
      sandboxMode: config.get<string>('sandboxMode', ''),
      cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      autoContext: config.get<boolean>('autoContext', false),
      remoteServer: remoteServerInUse(),
    };
  }

  async findFiles(query: string, limit: number): Promise<MentionCandidate[]> {
    if (!this.fileCache || Date.now() - this.fileCache.at > FILE_CACHE_MS) {
      const files = await vscode.workspace.findFiles('**/*', '**/{node_modules,.git,dist,out}/**', 20_000);
      this.fileCache = { at: Date.now(), files };
    }
    const scored: { score: number; candidate: MentionCandidate }[] = [];
    for (const uri of this.fileCache.files) {
      const relativePath = vscode.workspace.asRelativePath(uri, false);
      const score = query ? fuzzyScore(query, relativePath) : 0;
      if (score === null) continue;
      scored.push({ score, candidate: { name: path.basename(uri.fsPath), path: uri.fsPath, relativePath } });
    }
    scored.sort((a, b) => b.score - a.score || a.candidate.relativePath.length - b.candidate.relativePath.length);
    return scored.slice(0, limit).map((s) => s.candidate);
  }

  async pickOne<T extends string>(items: PickItem<T>[], placeholder: string): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(
      items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, value: item.value })),
      { placeHolder: placeholder },
    );
    return picked?.value;
  }

  pickFile(placeholder: string, initialQuery = ''): Promise<MentionCandidate | undefined> {
    type FileItem = vscode.QuickPickItem & { file: MentionCandidate };
    const pick = vscode.window.createQuickPick<FileItem>();
    pick.placeholder = placeholder;
    // The list is fuzzy-searched by us (as for `@`), not filtered again by VS Code.
    pick.matchOnDescription = true;
    const show = async (query: string) => {
      pick.busy = true;
      const files = await this.findFiles(query, 50);
      if (pick.value === query) pick.items = files.map((file) => ({ label: file.name, description: file.relativePath, alwaysShow: true, file }));
      pick.busy = false;
    };
    return new Promise((resolve) => {
      let chosen: MentionCandidate | undefined;
      pick.onDidChangeValue((value) => void show(value));
      pick.onDidAccept(() => {
        chosen = pick.selectedItems[0]?.file;
        pick.hide();
      });
      pick.onDidHide(() => {
        pick.dispose();
        resolve(chosen);
      });
      pick.value = initialQuery;
      pick.show();
      void show(initialQuery);
    });
  }

  executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    return Promise.resolve(vscode.commands.executeCommand(command, ...args));
  }

  async ask(message: string, detail: string, choices: string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...choices);
  }

  async pickThread(choices: ThreadChoice[]): Promise<string | undefined> {
    if (!choices.length) {
      void vscode.window.showInformationMessage('There are no stored Codex threads yet.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      choices.map((choice) => ({ label: choice.label, description: choice.description, detail: choice.id, id: choice.id })),
      { title: 'Resume a Codex thread', matchOnDetail: true },
    );
    return picked?.id;
  }

  async pickModel(models: { id: string; label: string; description?: string }[], current: string): Promise<string | undefined> {
    if (!models.length) {
      return vscode.window.showInputBox({ title: 'Model', prompt: 'Model id for the next turns', value: current });
    }
    const picked = await vscode.window.showQuickPick(
      models.map((model) => ({ label: model.label, description: model.id === current ? `${model.id} (current)` : model.id, detail: model.description, id: model.id })),
      { title: 'Choose the model' },
    );
    return picked?.id;
  }

  async writeClipboard(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }

  async openFile(filePath: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const absolute = path.isAbsolute(filePath) || !folder ? filePath : path.join(folder, filePath);
    // A file link clicked in the chat opens without taking focus from the chat while the agent streams.
    await vscode.window.showTextDocument(vscode.Uri.file(absolute), { preview: true, preserveFocus: true });
  }

  reveal(preserveFocus: boolean): Promise<void> {
    return this.viewProvider.reveal(preserveFocus);
  }

  isViewVisible(): boolean {
    return this.viewProvider.isVisible;
  }

  setAttention(pendingApprovals: number, latestTitle?: string): void {
    this.viewProvider.setBadge(pendingApprovals);
    // A notification only for new requests the user cannot see.
    if (pendingApprovals > this.lastNotifiedCount && latestTitle && !this.isViewVisible()) {
      void vscode.window.showWarningMessage(`Codex is waiting for approval: ${latestTitle}`, 'Show').then((choice) => {
        if (choice === 'Show') void this.reveal(false);
      });
    }
    this.lastNotifiedCount = pendingApprovals;
  }

  saveThreadId(threadId: string | undefined): void {
    void this.context.workspaceState.update(THREAD_KEY, threadId);
  }

  savedThreadId(): string | undefined {
    return this.context.workspaceState.get<string>(THREAD_KEY);
  }

  setContext(key: string, value: unknown): void {
    void vscode.commands.executeCommand('setContext', key, value);
  }

  log(line: string): void {
    this.output.appendLine(`[chat] ${line}`);
  }
}
