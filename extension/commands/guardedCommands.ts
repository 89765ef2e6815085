/**
 * Command registration shared by the palette commands and the views: a
 * command that fails shows its error to the user instead of failing silently.
 */
import * as vscode from 'vscode';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function showCodexError(error: unknown): void {
  void vscode.window.showErrorMessage(`Codex: ${errorText(error)}`);
}

/** Wraps an action so a thrown error is shown as a Codex error message; resolves to undefined then. */
export function guarded<A extends unknown[], R>(run: (...args: A) => R | Promise<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (error) {
      showCodexError(error);
      return undefined;
    }
  };
}

export type CommandHandlers = Record<string, (...args: any[]) => unknown>;

/**
 * Registers each handler under its command id, guarded. With `logConflict`, an
 * id another feature already registered is logged and skipped instead of thrown.
 */
export function registerGuardedCommands(handlers: CommandHandlers, logConflict?: (line: string) => void): vscode.Disposable[] {
  const disposables: vscode.Disposable[] = [];
  for (const [id, handler] of Object.entries(handlers)) {
    try {
      disposables.push(vscode.commands.registerCommand(id, guarded(handler)));
    } catch (error) {
      if (!logConflict) throw error;
      logConflict(`[commands] ${id} not registered: ${errorText(error)}`);
    }
  }
  return disposables;
}
