/**
 * Reads the editor state from the `vscode` API into an `IdeSnapshot` and turns
 * it into a prompt attachment (caps and rules live in `ideContext.ts`).
 * Only file-backed documents are described; no file is read from disk: the
 * only text taken is the user's own selection.
 */
import * as vscode from 'vscode';
import type { PromptAttachment } from '../services';
import { buildIdeAttachment, type EditorSnapshot, type IdeSnapshot, type LineRange } from './ideContext';

/** Remembers which editors were used most recently and what they last showed. */
export class EditorHistory implements vscode.Disposable {
  private readonly order: string[] = [];
  private readonly lastVisible = new Map<string, LineRange[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.touch(editor)),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.lastVisible.set(e.textEditor.document.uri.toString(), toRanges(e.visibleRanges))),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri.toString())),
    ];
    for (const editor of vscode.window.visibleTextEditors) this.touch(editor);
    if (vscode.window.activeTextEditor) this.touch(vscode.window.activeTextEditor);
  }

  touch(editor: vscode.TextEditor): void {
    const key = editor.document.uri.toString();
    this.forget(key);
    this.order.unshift(key);
    this.lastVisible.set(key, toRanges(editor.visibleRanges));
    if (this.order.length > 200) this.order.length = 200;
  }

  private forget(key: string): void {
    const index = this.order.indexOf(key);
    if (index >= 0) this.order.splice(index, 1);
  }

  /** Rank of a URI: lower is more recent; unknown ones sort last. */
  rank(key: string): number {
    const index = this.order.indexOf(key);
    return index >= 0 ? index : Number.MAX_SAFE_INTEGER;
  }

  visibleRangesOf(key: string): LineRange[] {
    return this.lastVisible.get(key) ?? [];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

function toRanges(ranges: readonly vscode.Range[]): LineRange[] {
  return ranges.map((r) => ({ startLine: r.start.line + 1, endLine: r.end.line + 1 }));
}

function editorSnapshot(uri: vscode.Uri, languageId: string, isDirty: boolean, visibleRanges: LineRange[]): EditorSnapshot {
  return { uri: uri.toString(), scheme: uri.scheme, fsPath: uri.fsPath, languageId, isDirty, visibleRanges };
}

/** Every open text tab, most recently used first. */
function openEditors(history: EditorHistory | undefined): EditorSnapshot[] {
  const visible = new Map(vscode.window.visibleTextEditors.map((e) => [e.document.uri.toString(), e]));
  const documents = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const found = new Map<string, EditorSnapshot & { tabIndex: number }>();
  let tabIndex = 0;
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      tabIndex++;
      const input = tab.input;
      const uri = input instanceof vscode.TabInputText ? input.uri : input instanceof vscode.TabInputTextDiff ? input.modified : undefined;
      if (!uri || found.has(uri.toString())) continue;
      const key = uri.toString();
      const editor = visible.get(key);
      const document = editor?.document ?? documents.get(key);
      const ranges = editor ? toRanges(editor.visibleRanges) : (history?.visibleRangesOf(key) ?? []);
      found.set(key, { ...editorSnapshot(uri, document?.languageId ?? languageFromPath(uri.path), tab.isDirty || !!document?.isDirty, ranges), tabIndex });
    }
  }
  // Editors visible but not backed by a tab (rare) still count.
  for (const [key, editor] of visible) {
    if (!found.has(key)) found.set(key, { ...editorSnapshot(editor.document.uri, editor.document.languageId, editor.document.isDirty, toRanges(editor.visibleRanges)), tabIndex: tabIndex++ });
  }
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  const rank = (key: string) => (key === active ? -1 : (history?.rank(key) ?? Number.MAX_SAFE_INTEGER));
  return [...found.entries()]
    .sort(([a, x], [b, y]) => rank(a) - rank(b) || x.tabIndex - y.tabIndex)
    .map(([, { tabIndex: _ignored, ...snapshot }]) => snapshot);
}

function languageFromPath(p: string): string {
  const ext = p.slice(p.lastIndexOf('.') + 1);
  return ext && ext !== p ? ext : 'plaintext';
}

export function snapshotIde(history?: EditorHistory): IdeSnapshot {
  const editor = vscode.window.activeTextEditor;
  let activeEditor: IdeSnapshot['activeEditor'];
  if (editor) {
    const { document, selection } = editor;
    activeEditor = {
      ...editorSnapshot(document.uri, document.languageId, document.isDirty, toRanges(editor.visibleRanges)),
      cursor: { line: selection.active.line + 1, column: selection.active.character + 1 },
      selection: selection.isEmpty
        ? undefined
        : {
            text: document.getText(selection),
            startLine: selection.start.line + 1,
            startColumn: selection.start.character + 1,
            endLine: selection.end.line + 1,
            endColumn: selection.end.character + 1,
          },
    };
  }
  const diagnostics = vscode.languages.getDiagnostics().map(([uri, list]) => ({
    uri: uri.toString(),
    scheme: uri.scheme,
    fsPath: uri.fsPath,
    items: list
      .filter((d) => d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning)
      .map((d) => ({
        severity: d.severity === vscode.DiagnosticSeverity.Error ? ('error' as const) : ('warning' as const),
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        source: d.source,
        code: d.code === undefined ? undefined : typeof d.code === 'object' ? String(d.code.value) : String(d.code),
      })),
  }));
  return {
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, uri: f.uri.toString(), scheme: f.uri.scheme, fsPath: f.uri.fsPath })),
    activeEditor,
    recentEditors: openEditors(history),
    diagnostics,
  };
}

interface CollectIdeContextOptions {
  /** MRU tracking; without it, tab order is used after the active editor. */
  history?: EditorHistory;
}

/** The /ide context as a prompt attachment. */
export function collectIdeContext(options: CollectIdeContextOptions = {}): PromptAttachment {
  return buildIdeAttachment(snapshotIde(options.history));
}
