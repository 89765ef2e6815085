/**
 * Paints the agent's hunks into visible editors: gutter bars and line
 * backgrounds for added and changed lines, a marker with the removed text as
 * ghost text (and in the hover) where lines were deleted, and overview-ruler
 * marks. Never reveals or focuses anything.
 */
import * as vscode from 'vscode';
import type { LiveHunk } from './core/hunks';
import type { ReviewController } from './reviewController';
import { countOf } from '../../shared/plural';

/** What was painted, per file path: line numbers (0-based). Read by the inspect command in tests. */
interface PaintedLines {
  added: number[];
  modified: number[];
  deleted: number[];
}

function gutterIcon(color: string, shape: 'bar' | 'triangle'): vscode.Uri {
  const body =
    shape === 'bar'
      ? `<rect x="5" y="0" width="4" height="16" fill="${color}"/>`
      : `<polygon points="2,2 12,8 2,14" fill="${color}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="14" height="16" viewBox="0 0 14 16">${body}</svg>`;
  return vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
}

const GHOST_TEXT_MAX = 80;

export class DiffDecorations implements vscode.Disposable {
  private readonly added = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    gutterIconPath: gutterIcon('#2ea043', 'bar'),
    gutterIconSize: 'contain',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly modified = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    gutterIconPath: gutterIcon('#1f6feb', 'bar'),
    gutterIconSize: 'contain',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.modifiedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly deleted = vscode.window.createTextEditorDecorationType({
    gutterIconPath: gutterIcon('#f85149', 'triangle'),
    gutterIconSize: 'contain',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    after: {
      color: new vscode.ThemeColor('editorGhostText.foreground'),
      fontStyle: 'italic',
      margin: '0 0 0 2em',
    },
  });
  readonly painted = new Map<string, PaintedLines>();
  private readonly disposables: vscode.Disposable[] = [];
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly review: ReviewController,
    private readonly enabled: () => boolean,
  ) {
    this.disposables.push(
      this.added,
      this.modified,
      this.deleted,
      review.onDidChange(() => this.schedule()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('codex.diffDecorations') && this.refresh()),
    );
    this.refresh();
  }

  /** Coalesces bursts (streaming diffs, typing) into one repaint. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refresh();
    }, 30);
  }

  refresh(): void {
    this.painted.clear();
    for (const editor of vscode.window.visibleTextEditors) this.paint(editor);
  }

  private paint(editor: vscode.TextEditor): void {
    const document = editor.document;
    const key = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
    const hunks = key && this.enabled() && this.review.store.get(key) ? this.review.store.hunks(key, document.getText()) : [];
    const added: vscode.DecorationOptions[] = [];
    const modified: vscode.DecorationOptions[] = [];
    const deleted: vscode.DecorationOptions[] = [];
    const lines: PaintedLines = { added: [], modified: [], deleted: [] };
    for (const hunk of hunks) {
      if (hunk.liveEnd > hunk.liveStart) {
        const target = hunk.kind === 'added' ? added : modified;
        const last = Math.min(hunk.liveEnd - 1, document.lineCount - 1);
        target.push({ range: new vscode.Range(hunk.liveStart, 0, last, 0), hoverMessage: hoverFor(hunk) });
        for (let line = hunk.liveStart; line <= last; line++) (hunk.kind === 'added' ? lines.added : lines.modified).push(line);
      } else if (hunk.baseLines.length) {
        // Deleted lines: mark the line above the gap (or the first line) and show what went.
        const line = Math.max(0, Math.min(hunk.liveStart - 1, document.lineCount - 1));
        const end = document.lineAt(line).range.end;
        deleted.push({
          range: new vscode.Range(end, end),
          hoverMessage: hoverFor(hunk),
          renderOptions: { after: { contentText: ghostText(hunk.baseLines) } },
        });
        lines.deleted.push(line);
      }
    }
    editor.setDecorations(this.added, added);
    editor.setDecorations(this.modified, modified);
    editor.setDecorations(this.deleted, deleted);
    if (key && hunks.length) this.painted.set(key, lines);
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const editor of vscode.window.visibleTextEditors) {
      editor.setDecorations(this.added, []);
      editor.setDecorations(this.modified, []);
      editor.setDecorations(this.deleted, []);
    }
    for (const d of this.disposables) d.dispose();
  }
}

function ghostText(baseLines: string[]): string {
  const first = baseLines[0].trim();
  const label = `− ${countOf(baseLines.length, 'line')} removed: ${first}`;
  return label.length > GHOST_TEXT_MAX ? `${label.slice(0, GHOST_TEXT_MAX - 1)}…` : label;
}

function hoverFor(hunk: LiveHunk): vscode.MarkdownString | undefined {
  if (!hunk.baseLines.length) return undefined;
  const hover = new vscode.MarkdownString();
  hover.appendText(hunk.kind === 'deleted' ? 'Removed by Codex:' : 'Before Codex changed it:');
  hover.appendCodeblock(hunk.baseLines.join('\n'));
  return hover;
}
