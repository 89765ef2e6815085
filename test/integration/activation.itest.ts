/**
 * The installed .vsix activates in a real VS Code and contributes what its manifest declares.
 * Also the harness's own smoke test.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import { CODEX_EXTENSION_ID, activateCodex, codexHome, workspaceFile } from './index.helpers';

describe('Codex extension in a real VS Code', () => {
  it('is installed from the .vsix (not a development copy) and activates', async () => {
    const extension = vscode.extensions.getExtension(CODEX_EXTENSION_ID);
    assert.ok(extension, 'extension is installed');
    await activateCodex();
    assert.equal(extension.isActive, true);
    // The packaged extension carries its bundles and node-pty's native addon.
    for (const relative of ['dist/extension.js', 'dist/server.js', 'dist/webview.js', 'node_modules/node-pty/build/Release/pty.node']) {
      assert.ok(fs.existsSync(vscode.Uri.joinPath(extension.extensionUri, relative).fsPath), `${relative} ships`);
    }
  });

  it("loads the shipped node-pty and runs a command in a real PTY", async () => {
    const extension = vscode.extensions.getExtension(CODEX_EXTENSION_ID)!;
    // Load it from the installed extension folder, as dist/server.js does at run time.
    const ptyModule = vscode.Uri.joinPath(extension.extensionUri, 'node_modules', 'node-pty').fsPath;
    const pty: typeof import('node-pty') = require(ptyModule);
    const term = pty.spawn('/bin/sh', ['-c', 'test -t 1 && echo "pty-ok $(tput cols 2>/dev/null || echo cols)"'], { cols: 77, rows: 5, env: { ...process.env, TERM: 'xterm' } });
    let output = '';
    term.onData((data) => (output += data));
    const exitCode = await new Promise<number>((resolve) => term.onExit(({ exitCode: code }) => resolve(code)));
    assert.equal(exitCode, 0, `stdout is a terminal (output: ${JSON.stringify(output)})`);
    assert.match(output, /pty-ok/);
  });

  it('registers the commands its manifest contributes', async () => {
    await activateCodex();
    const registered = new Set(await vscode.commands.getCommands(true));
    const extension = vscode.extensions.getExtension(CODEX_EXTENSION_ID)!;
    const declared: string[] = extension.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(declared.includes('codex.showServerLog'));
    assert.ok(registered.has('codex.showServerLog'), 'codex.showServerLog is registered');
  });

  it('opens in the prepared workspace with an isolated CODEX_HOME', () => {
    assert.ok(fs.existsSync(workspaceFile('src', 'sample.ts')));
    assert.ok(fs.existsSync(workspaceFile('.git')));
    assert.ok(fs.statSync(codexHome()).isDirectory());
  });
});
