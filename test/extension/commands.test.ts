import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HOOKS_VIEW_COMMANDS, MCP_VIEW_COMMANDS, OTHER_OWNERS, PALETTE_COMMANDS, THREADS_VIEW_COMMANDS } from '../../extension/commands/commandIds';
import { fileMention, selectionPrompt } from '../../extension/commands/selectionPrompts';
import { compactNumber, StatusModel } from '../../extension/status/statusModel';
import { note } from '../helpers/notifications';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const declared: string[] = manifest.contributes.commands.map((c: any) => c.command);

function sourceOf(file: string): string {
  return fs.readFileSync(path.join(root, file), 'utf8');
}

describe('command registration', () => {
  it('gives every declared command exactly one owner', () => {
    const mine = [...PALETTE_COMMANDS, ...THREADS_VIEW_COMMANDS, ...HOOKS_VIEW_COMMANDS, ...MCP_VIEW_COMMANDS];
    const owners = [...mine, ...Object.keys(OTHER_OWNERS)];
    assert.equal(new Set(owners).size, owners.length, 'no command has two owners');
    assert.deepEqual([...declared].sort(), [...owners].sort());
  });

  it('registers each of our commands in the module that owns it', () => {
    const registered = (file: string) => [...sourceOf(file).matchAll(/'(codex\.[\w.]+)'/g)].map((m) => m[1]);
    const commands = registered('extension/commands/registerCommands.ts');
    for (const id of PALETTE_COMMANDS) assert.ok(commands.includes(id), `${id} has a handler`);
    const threads = registered('extension/threads/threadsView.ts');
    for (const id of THREADS_VIEW_COMMANDS) assert.ok(threads.includes(id), `${id} has a handler`);
    const hooks = registered('extension/hooks/hooksView.ts');
    for (const id of HOOKS_VIEW_COMMANDS) assert.ok(hooks.includes(id), `${id} has a handler`);
    const mcp = registered('extension/mcp/mcpView.ts');
    for (const id of MCP_VIEW_COMMANDS) assert.ok(mcp.includes(id), `${id} has a handler`);
  });

  it('only binds keys and menus to declared commands, with when clauses on editor actions', () => {
    for (const binding of manifest.contributes.keybindings) assert.ok(declared.includes(binding.command), binding.command);
    for (const [menu, entries] of Object.entries<any[]>(manifest.contributes.menus)) {
      for (const entry of entries) assert.ok(declared.includes(entry.command), `${menu}: ${entry.command}`);
    }
    const editorMenu = manifest.contributes.menus['editor/context'];
    for (const id of ['codex.sendSelection', 'codex.explainSelection', 'codex.fixSelection']) {
      assert.match(editorMenu.find((m: any) => m.command === id).when, /editorHasSelection/);
    }
    assert.ok(manifest.contributes.menus['explorer/context'].some((m: any) => m.command === 'codex.addFileToChat'));
    const keys = manifest.contributes.keybindings.map((k: any) => k.command);
    for (const id of ['codex.focusChat', 'codex.newThread', 'codex.sendSelection', 'codex.askWithIdeContext', 'codex.interruptTurn']) assert.ok(keys.includes(id), `${id} has a key`);
  });
});

describe('selection prompts', () => {
  const selection = { filePath: '/w/src/a.ts', displayPath: 'src/a.ts', languageId: 'typescript', startLine: 3, endLine: 5, text: 'const a = 1;' };

  it('explains and fixes with the selection attached as a delimited block and a file mention', () => {
    const explain = selectionPrompt('explain', selection);
    assert.match(explain.text, /^Explain/);
    const [attachment] = explain.attachments;
    assert.ok(attachment.text.startsWith('<selection path="src/a.ts" lines="3-5" language="typescript">'));
    assert.ok(attachment.text.includes('```typescript\nconst a = 1;\n```'));
    assert.deepEqual(attachment.files, [{ name: 'a.ts', path: '/w/src/a.ts' }]);
    assert.equal(attachment.label, 'a.ts:3-5');
    const fix = selectionPrompt('fix', { ...selection, problems: [{ severity: 'error', line: 4, message: 'bad' }] });
    assert.match(fix.text, /^Fix/);
    assert.ok(fix.attachments[0].text.includes('- error line 4: bad'));
    assert.equal(selectionPrompt('send', selection, 'rename it').text, 'rename it');
  });

  it('never gives a secret file a mention', () => {
    assert.deepEqual(selectionPrompt('send', { ...selection, filePath: '/w/.env', displayPath: '.env' }, 'x').attachments[0].files, []);
  });

  it('quotes composer mentions with spaces', () => {
    assert.equal(fileMention('src/a.ts'), '@src/a.ts ');
    assert.equal(fileMention('my dir\\a.ts'), '@"my dir/a.ts" ');
  });
});

describe('status bar text', () => {
  it('shows connection, model and the current thread token usage', () => {
    const status = new StatusModel();
    assert.match(status.view().text, /sync~spin/);
    status.connection = 'connected';
    status.defaultModel = 'gpt-test';
    assert.equal(status.view().text, '$(hubot) Codex · gpt-test');
    status.currentThreadId = 't1';
    status.applyNotification(...note('thread/started', { thread: { id: 't1', model: 'mock-model' } }));
    const usage = { totalTokens: 12345, inputTokens: 12000, outputTokens: 345, cachedInputTokens: 0, reasoningOutputTokens: 0 };
    assert.equal(status.applyNotification(...note('thread/tokenUsage/updated', { threadId: 't1', turnId: 'u', tokenUsage: { total: usage, last: usage, modelContextWindow: 200000 } })), true);
    assert.equal(status.view().text, '$(hubot) Codex · mock-model · 12.3k/200k (6%)');
    assert.match(status.view().tooltip, /12,345 total/);
    assert.equal(status.applyNotification(...note('thread/tokenUsage/updated', { threadId: 'other', turnId: 'u', tokenUsage: { total: usage, last: usage, modelContextWindow: null } })), false);
    status.currentThreadId = 'other';
    assert.equal(status.view().text, '$(hubot) Codex · gpt-test · 12.3k tokens');
    status.connection = 'disconnected';
    assert.equal(status.view().severity, 'error');
  });

  it('compacts numbers', () => {
    assert.equal(compactNumber(950), '950');
    assert.equal(compactNumber(1000), '1k');
    assert.equal(compactNumber(12345), '12.3k');
    assert.equal(compactNumber(258000), '258k');
    assert.equal(compactNumber(2_000_000), '2M');
  });
});
