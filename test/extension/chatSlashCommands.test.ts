/**
 * The skills UI and the slash commands from the Codex command list, each run
 * through the real webview, controller and client against our server and the
 * reference: `$` skill mentions, /skills, /init, /mention, /permissions,
 * /copy, /debug-config, an unknown command, and the `/` popup's descriptions.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, type Which } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ensureWebviewBundle, type WebviewHarness } from '../webview/harness';
import { SLASH_COMMANDS } from '../../webview/protocol';
import { composerSend, startRig, waitUntil, type Rig } from './chatRig';

type ChatRig = Rig & { codexHome: string };

/** The chat rig on a codex home without the reference's bundled system skills (we ship none), optionally with two skills. */
async function startChatRig(which: Which, model: ScriptedModel, prepare: (dirs: { codexHome: string }) => void = () => {}): Promise<ChatRig> {
  const codexHome = makeTempDir('codex-chat-home-');
  model.writeConfig(codexHome, { extra: '[skills.bundled]\nenabled = false\n' });
  prepare({ codexHome });
  return Object.assign(await startRig(which, model, { codexHome }), { codexHome });
}

function typeInComposer(view: WebviewHarness, text: string): HTMLTextAreaElement {
  const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
  textarea.value = text;
  textarea.setSelectionRange(text.length, text.length);
  textarea.dispatchEvent(new view.window.Event('input', { bubbles: true }));
  return textarea;
}

function pressEnter(view: WebviewHarness): void {
  const textarea = view.document.querySelector('.composer-input') as HTMLTextAreaElement;
  textarea.dispatchEvent(new view.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
}

const skillFile = (name: string, description: string, body: string) => `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}\n`;

function addSkills({ codexHome }: { codexHome: string }): void {
  for (const [name, description, body] of [
    ['alpha', 'Writes release notes', 'ALPHA-BODY: list every change.'],
    ['beta', 'Reviews SQL migrations', 'BETA-BODY'],
  ]) {
    fs.mkdirSync(path.join(codexHome, 'skills', name), { recursive: true });
    fs.writeFileSync(path.join(codexHome, 'skills', name, 'SKILL.md'), skillFile(name, description, body));
  }
}

const text = (rig: ChatRig) => rig.view.transcript().textContent ?? '';
const modelInput = (model: ScriptedModel) => JSON.stringify(model.modelRequests.at(-1)?.body.input ?? []);

for (const which of ['ours', 'reference'] as Which[]) {
  describe(`chat skills and slash commands (${which} server)`, function () {
    this.timeout(90000);
    let model: ScriptedModel;
    let rig: ChatRig | undefined;
    before(() => ensureWebviewBundle());
    beforeEach(async () => {
      model = await new ScriptedModel().start();
    });
    afterEach(async () => {
      await rig?.dispose();
      rig = undefined;
      await model.stop();
    });

    it('$ offers the skills with their descriptions and sends the chosen one as a skill item, shown as a chip', async () => {
      rig = await startChatRig(which, model, addSkills);
      model.enqueue(reply.text('Release notes written.'));
      const textarea = typeInComposer(rig.view, 'please use $al');
      await waitUntil(() => rig!.view.document.querySelectorAll('.popup-item').length > 0, 'the skills popup');
      const rows = Array.from(rig.view.document.querySelectorAll('.popup-item')).map((row) => row.textContent);
      assert.deepEqual(rows, ['$alphaWrites release notes']);
      pressEnter(rig.view);
      assert.equal(textarea.value, 'please use $alpha ');
      pressEnter(rig.view);
      await waitUntil(() => /Release notes written/.test(text(rig!)), 'the answer');
      assert.match(modelInput(model), /<skill>\\n<name>alpha<\/name>[^"]*ALPHA-BODY/, 'the skill file reached the model');
      const chip = rig.view.document.querySelector('.entry-user .chip-skill');
      assert.equal(chip?.textContent, '$alpha');
      assert.equal((chip as HTMLElement).title, fs.realpathSync(path.join(rig.codexHome, 'skills', 'alpha', 'SKILL.md')));
    });

    it('/skills lists the skills, and Disable / Enable write config.toml', async () => {
      rig = await startChatRig(which, model, addSkills);
      composerSend(rig.view, '/skills');
      await waitUntil(() => rig!.view.document.querySelectorAll('.skill-row').length === 2, 'the skills list');
      assert.match(text(rig), /\$alpha.*Writes release notes/);
      const disable = rig.view.document.querySelector<HTMLButtonElement>('.skill-row [data-action="toggle-skill"]')!;
      assert.equal(disable.textContent, 'Disable');
      disable.click();
      await waitUntil(() => rig!.view.document.querySelector('.skill-row.disabled') !== null, 'the disabled row');
      const config = fs.readFileSync(path.join(rig.codexHome, 'config.toml'), 'utf8');
      assert.match(config, /alpha\/SKILL\.md/);
      assert.match(config, /enabled = false/);
      rig.view.document.querySelector<HTMLButtonElement>('.skill-row.disabled [data-action="toggle-skill"]')!.click();
      await waitUntil(() => rig!.view.document.querySelector('.skill-row.disabled') === null, 'the re-enabled row');
      assert.doesNotMatch(fs.readFileSync(path.join(rig.codexHome, 'config.toml'), 'utf8'), /alpha\/SKILL\.md/);
    });

    it('/init asks the agent to write AGENTS.md, and leaves an existing one alone', async () => {
      rig = await startChatRig(which, model);
      model.enqueue(reply.text('Wrote AGENTS.md.'));
      composerSend(rig.view, '/init');
      await waitUntil(() => /Wrote AGENTS\.md/.test(text(rig!)), 'the answer');
      assert.match(modelInput(model), /Write an AGENTS\.md file at the root of this repository/);
      fs.writeFileSync(path.join(rig.workspace, 'AGENTS.md'), '# Notes\n');
      composerSend(rig.view, '/init');
      await waitUntil(() => /already exists/.test(text(rig!)), 'the notice');
      assert.equal(model.modelRequests.length, 1, 'no second request');
    });

    it('/mention attaches the picked file as a mention of the next prompt', async () => {
      rig = await startChatRig(which, model);
      model.enqueue(reply.text('Looked at the file.'));
      rig.host.nextFile = path.join('src', 'server-main.ts');
      composerSend(rig.view, '/mention server');
      const textarea = rig.view.document.querySelector('.composer-input') as HTMLTextAreaElement;
      await waitUntil(() => textarea.value === '@server-main.ts ', 'the mention in the composer');
      composerSend(rig.view, `${textarea.value}what is this?`);
      await waitUntil(() => /Looked at the file/.test(text(rig!)), 'the answer');
      assert.ok(rig.view.document.querySelector('.entry-user .chip')?.textContent === '@server-main.ts');
    });

    it('/permissions switches approval policy and sandbox together, by argument or from the pick list', async () => {
      rig = await startChatRig(which, model);
      composerSend(rig.view, '/permissions full-access');
      await waitUntil(() => /Permissions: Full access/.test(text(rig!)), 'the notice');
      const pickers = () => ({
        policy: (rig!.view.document.querySelector('.policy-picker') as HTMLSelectElement).value,
        sandbox: (rig!.view.document.querySelector('.sandbox-picker') as HTMLSelectElement).value,
      });
      assert.deepEqual(pickers(), { policy: 'never', sandbox: 'danger-full-access' });
      rig.host.nextPick = 'read-only';
      composerSend(rig.view, '/permissions');
      await waitUntil(() => /Permissions: Read only/.test(text(rig!)), 'the second notice');
      assert.deepEqual(rig.host.picks[0].items.map((item) => item.value), ['read-only', 'auto', 'full-access']);
      assert.deepEqual(pickers(), { policy: 'on-request', sandbox: 'read-only' });
      // The next turn runs with them: the server reports the read-only sandbox to the model.
      model.enqueue(reply.text('Read only here.'));
      composerSend(rig.view, 'hello');
      await waitUntil(() => /Read only here/.test(text(rig!)), 'the answer');
      assert.match(modelInput(model), /read-only/);
      composerSend(rig.view, '/permissions sideways');
      await waitUntil(() => /Unknown permission mode "sideways"/.test(text(rig!)), 'the error');
    });

    it('/copy copies the last answer', async () => {
      rig = await startChatRig(which, model);
      composerSend(rig.view, '/copy');
      await waitUntil(() => /no answer to copy yet/.test(text(rig!)), 'the error before any answer');
      model.enqueue(reply.text('The **final** answer.'));
      composerSend(rig.view, 'answer me');
      await waitUntil(() => !rig!.controller.activeTurnId && /final/.test(text(rig!)), 'the answer');
      composerSend(rig.view, '/copy');
      await waitUntil(() => rig!.host.clipboard !== '', 'the clipboard');
      assert.equal(rig.host.clipboard, 'The **final** answer.');
    });

    it('/debug-config shows the config layers and requirements', async () => {
      rig = await startChatRig(which, model);
      composerSend(rig.view, '/debug-config');
      await waitUntil(() => /Config layers/.test(text(rig!)), 'the config text');
      const shown = text(rig);
      assert.match(shown, new RegExp(`User: ${path.join(rig.codexHome, 'config.toml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(shown, /sets: [^\n]*model_provider/);
      assert.match(shown, /Requirements \(managed policy\):/);
    });

    it('an unknown command gets a clear message, and the / popup describes every command', async () => {
      rig = await startChatRig(which, model);
      composerSend(rig.view, '/frobnicate now');
      await waitUntil(() => /Unknown command \/frobnicate/.test(text(rig!)), 'the message');
      assert.equal(model.modelRequests.length, 0, 'nothing was sent to the model');
      typeInComposer(rig.view, '/');
      const rows = Array.from(rig.view.document.querySelectorAll('.popup-item')).map((row) => [row.querySelector('.popup-label')!.textContent, row.querySelector('.popup-detail')!.textContent]);
      assert.equal(rows.length, SLASH_COMMANDS.length);
      for (const [label, detail] of rows) assert.ok(label && detail && detail.length > 5, `${label} has a description`);
      for (const name of ['skills', 'init', 'mention', 'permissions', 'copy', 'debug-config']) assert.ok(rows.some(([label]) => label!.startsWith(`/${name}`)), `/${name} is offered`);
    });
  });
}
