/**
 * Runs inside code-server (through the integration harness): activates the
 * installed Codex extension and nothing else, so the test's duration is the
 * activation time (code loading + `activate()`), as VS Code counts it.
 */
import * as vscode from 'vscode';
import { CODEX_EXTENSION_ID } from '../../test/integration/index.helpers';

describe('activation benchmark', () => {
  it('activates the Codex extension', async () => {
    const extension = vscode.extensions.getExtension(CODEX_EXTENSION_ID);
    if (!extension) throw new Error('the Codex extension is not installed');
    if (extension.isActive) throw new Error('the Codex extension was already active; nothing to measure');
    await extension.activate();
  });
});
