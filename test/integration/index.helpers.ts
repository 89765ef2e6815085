/**
 * Helpers for integration suites (`test/integration/*.itest.ts`); see the conventions at the
 * top of test/integration/index.ts. Runs inside the VS Code extension host.
 */
import path from 'node:path';
import * as vscode from 'vscode';

export const CODEX_EXTENSION_ID = 'codex-community.codex-vscode';

/** Activates the installed Codex extension (if not yet) and returns what `activate()` returned. */
export async function activateCodex<T = unknown>(): Promise<T> {
  const extension = vscode.extensions.getExtension<T>(CODEX_EXTENSION_ID);
  if (!extension) {
    const installed = vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.'));
    throw new Error(`extension ${CODEX_EXTENSION_ID} is not installed here (found: ${installed.join(', ')})`);
  }
  return extension.isActive ? extension.exports : extension.activate();
}

/** Root of the window's workspace folder (a fresh git repository). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration window has no workspace folder');
  return folder.uri.fsPath;
}

/** Absolute path of a file inside the workspace folder. */
export function workspaceFile(...segments: string[]): string {
  return path.join(workspaceRoot(), ...segments);
}

/** The CODEX_HOME the extension's app-server gets (an empty temporary folder per run). */
export function codexHome(): string {
  const home = process.env.CODEX_HOME;
  if (!home) throw new Error('CODEX_HOME is not set in the extension host (the harness sets it)');
  return home;
}

/** Polls `condition` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(condition: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
