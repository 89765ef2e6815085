/**
 * /ide context is ordinary user input: the reference codex app-server (and
 * ours, once it runs turns) passes the delimited block to the model and
 * accepts the file mentions.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { buildIdeAttachment, IDE_CONTEXT_CLOSE, IDE_CONTEXT_OPEN } from '../../extension/ide/ideContext';

describe('/ide context through the reference app-server', function () {
  this.timeout(60000);

  it('reaches the model as a delimited block, with the files as mentions', async () => {
    const model = await new ScriptedModel().start();
    const codexHome = makeTempDir('codex-home-ide-');
    const workspace = makeTempDir('codex-ws-ide-');
    model.writeConfig(codexHome);
    const file = path.join(workspace, 'calc.ts');
    fs.writeFileSync(file, 'export const add = (a: number, b: number) => a - b;\n');
    const attachment = buildIdeAttachment({
      workspaceFolders: [{ name: 'ws', uri: `file://${workspace}`, scheme: 'file', fsPath: workspace }],
      activeEditor: {
        uri: `file://${file}`,
        scheme: 'file',
        fsPath: file,
        languageId: 'typescript',
        isDirty: false,
        visibleRanges: [{ startLine: 1, endLine: 1 }],
        cursor: { line: 1, column: 14 },
        selection: { text: 'a - b', startLine: 1, startColumn: 45, endLine: 1, endColumn: 50 },
      },
      recentEditors: [],
      diagnostics: [{ uri: `file://${file}`, scheme: 'file', fsPath: file, items: [{ severity: 'error', message: 'add subtracts', line: 1, column: 45 }] }],
    });
    model.enqueue(reply.text('It subtracts instead of adding.'));
    const server = await AppServerProcess.start('reference', { codexHome, cwd: workspace });
    try {
      const { thread } = await server.request('thread/start', { cwd: workspace });
      const input = [
        { type: 'text', text: `Why is add wrong?\n\n${attachment.text}`, text_elements: [] },
        ...(attachment.files ?? []).map((f) => ({ type: 'mention', name: f.name, path: f.path })),
      ];
      await server.request('turn/start', { threadId: thread.id, input });
      const completed = await server.waitFor('turn/completed', (p) => p.threadId === thread.id, 40000);
      assert.equal(completed.params.turn.status, 'completed');
      const sent = JSON.stringify(model.requests.at(-1)!.body.input);
      for (const part of [IDE_CONTEXT_OPEN, IDE_CONTEXT_CLOSE, 'a - b', 'add subtracts', 'cursor at line 1, column 14']) assert.ok(sent.includes(JSON.stringify(part).slice(1, -1)), `the model sees ${part}`);
      assert.deepEqual(attachment.files, [{ name: 'calc.ts', path: file }]);
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
      await model.stop();
    }
  });
});
