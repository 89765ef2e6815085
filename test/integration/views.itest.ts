/**
 * The Threads and Hooks views, the palette commands and the status bar are
 * registered by the installed extension in a real VS Code.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HOOKS_VIEW_COMMANDS, PALETTE_COMMANDS, THREADS_VIEW_COMMANDS } from '../../extension/commands/commandIds';
import { activateCodex } from './index.helpers';

describe('Codex views and commands in a real VS Code', () => {
  it('registers every palette, Threads and Hooks command', async () => {
    await activateCodex();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of [...PALETTE_COMMANDS, ...THREADS_VIEW_COMMANDS, ...HOOKS_VIEW_COMMANDS]) assert.ok(registered.has(id), `${id} is registered`);
  });

  it('refreshes the views and clears a search without errors', async () => {
    await activateCodex();
    await vscode.commands.executeCommand('workbench.view.extension.codex');
    await vscode.commands.executeCommand('codex.threads.refresh');
    await vscode.commands.executeCommand('codex.threads.clearSearch');
    await vscode.commands.executeCommand('codex.hooks.refresh');
  });
});
