/**
 * Command palette, keybinding and context-menu commands that act on the
 * editor: send / explain / fix the selection, add a file to the chat, ask with
 * IDE context, switch model, toggle auto context. Also registers the IDE
 * context provider the chat uses for `/ide` and `codex.autoContext`.
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { Model } from '../../protocol';
import { registerGuardedCommands, type CommandHandlers } from './guardedCommands';
import { collectIdeContext, EditorHistory } from '../ide/collectIdeContext';
import { fileMention, selectionPrompt, type EditorSelection, type SelectionAction } from './selectionPrompts';

function displayPath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

function currentSelection(editor: vscode.TextEditor | undefined): EditorSelection {
  if (!editor) throw new Error('Open a file and select some code first.');
  const { document } = editor;
  // An empty selection means "the current line", the way editors' copy commands behave.
  const range = editor.selection.isEmpty ? document.lineAt(editor.selection.active.line).range : editor.selection;
  const text = document.getText(range);
  if (!text.trim()) throw new Error('The selection is empty.');
  const problems = vscode.languages
    .getDiagnostics(document.uri)
    .filter((d) => d.range.intersection(range) && (d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning))
    .map((d) => ({ severity: d.severity === vscode.DiagnosticSeverity.Error ? ('error' as const) : ('warning' as const), line: d.range.start.line + 1, message: d.message }));
  return {
    filePath: document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.toString(),
    displayPath: document.uri.scheme === 'file' ? displayPath(document.uri) : document.uri.toString(),
    languageId: document.languageId,
    startLine: range.start.line + 1,
    endLine: range.end.line + 1,
    text,
    problems,
  };
}

export function registerCommands(services: ExtensionServices): vscode.Disposable {
  const { chat, client, output } = services;
  const history = new EditorHistory();
  const disposables: vscode.Disposable[] = [history];

  disposables.push(chat.setIdeContextProvider(async () => collectIdeContext({ history })));

  const sendSelection = async (action: SelectionAction) => {
    const selection = currentSelection(vscode.window.activeTextEditor);
    let extra = '';
    if (action === 'send') {
      const typed = await vscode.window.showInputBox({ title: 'Send selection to Codex', prompt: 'What should Codex do with it? (optional)' });
      if (typed === undefined) return;
      extra = typed;
    }
    const prompt = selectionPrompt(action, selection, extra);
    await chat.reveal(true);
    await chat.sendPrompt(prompt.text, prompt.attachments);
  };

  const handlers: CommandHandlers = {
    'codex.sendSelection': () => sendSelection('send'),
    'codex.explainSelection': () => sendSelection('explain'),
    'codex.fixSelection': () => sendSelection('fix'),
    'codex.addFileToChat': async (uri?: vscode.Uri, selected?: vscode.Uri[]) => {
      const targets = (selected?.length ? selected : [uri ?? vscode.window.activeTextEditor?.document.uri]).filter(
        (u): u is vscode.Uri => !!u && u.scheme === 'file',
      );
      if (!targets.length) throw new Error('Choose a file on disk to add to the chat.');
      await chat.reveal(false);
      await chat.insertIntoComposer(targets.map((u) => fileMention(displayPath(u))).join(''));
    },
    'codex.askWithIdeContext': async () => {
      const question = await vscode.window.showInputBox({ title: 'Ask Codex with IDE context', prompt: 'Your question; the active file, selection, open editors and problems are attached' });
      if (question === undefined || !question.trim()) return;
      const attachment = collectIdeContext({ history });
      await chat.reveal(true);
      await chat.sendPrompt(question, [attachment]);
    },
    'codex.switchModel': async () => {
      const models: Model[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: Model[]; nextCursor: string | null } = await client.request('model/list', { cursor, limit: 100 });
        models.push(...page.data.filter((m) => !m.hidden));
        cursor = page.nextCursor;
      } while (cursor);
      const configuration = vscode.workspace.getConfiguration('codex');
      const current = configuration.get<string>('model') ?? '';
      const items: (vscode.QuickPickItem & { model: string })[] = [
        { label: 'Use config.toml default', description: current ? '' : 'current', model: '' },
        ...models.map((m) => ({
          label: m.displayName || m.model,
          description: [m.model, m.isDefault ? 'default' : '', m.model === current ? 'current' : ''].filter(Boolean).join(' · '),
          detail: m.description,
          model: m.model,
        })),
      ];
      const picked = await vscode.window.showQuickPick(items, { title: 'Codex model for new turns', matchOnDescription: true, matchOnDetail: true });
      if (!picked) return;
      await configuration.update('model', picked.model, vscode.ConfigurationTarget.Global);
      vscode.window.setStatusBarMessage(picked.model ? `Codex model: ${picked.model}` : 'Codex model: config.toml default', 3000);
    },
    'codex.toggleAutoContext': async () => {
      const configuration = vscode.workspace.getConfiguration('codex');
      const next = !configuration.get<boolean>('autoContext', false);
      await configuration.update('autoContext', next, vscode.ConfigurationTarget.Global);
      vscode.window.setStatusBarMessage(`Codex: IDE context ${next ? 'attached to every prompt' : 'only with /ide'}`, 3000);
    },
  };

  // An id another feature already owns keeps its owner; the log says so.
  disposables.push(...registerGuardedCommands(handlers, (line) => output.appendLine(line)));

  const disposable = vscode.Disposable.from(...disposables);
  services.context.subscriptions.push(disposable);
  return disposable;
}
