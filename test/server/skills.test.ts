/**
 * Skills against the reference: the same SKILL.md files (user folder, the
 * repository's `.codex/skills` and `.agents/skills` from the root down to the
 * cwd, `$HOME/.agents/skills`, an extra root) and the same scripted model.
 * `[skills.bundled] enabled = false` keeps the reference from installing its
 * own system skills, which we do not ship, so both lists can be compared whole.
 */
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { AppServerProcess, makeTempDir, type Which } from '../helpers/appServerProcess';
import { ScriptedModel, reply } from '../helpers/scriptedModel';
import { testHome } from '../helpers/tempDir';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
const skill = (name: string, description: string, body = `Steps for ${name}.`) => `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}\n`;

interface Layout {
  codexHome: string;
  repo: string;
  cwd: string;
  extra: string;
  model: ScriptedModel;
}

/** One file layout per server (each in its own folders), identical relative to its roots. */
async function layout(): Promise<Layout> {
  const model = await new ScriptedModel().start();
  const codexHome = makeTempDir('codex-home-');
  const repo = makeTempDir('codex-repo-');
  const cwd = path.join(repo, 'pkg', 'sub');
  fs.mkdirSync(cwd, { recursive: true });
  execSync('git init -q', { cwd: repo });
  model.writeConfig(codexHome, { extra: '[skills.bundled]\nenabled = false\n' });
  write(path.join(codexHome, 'skills', 'alpha', 'SKILL.md'), skill('alpha', 'User skill alpha', 'ALPHA BODY\nsecond line'));
  write(path.join(codexHome, 'skills', 'nested', 'deeper', 'inner', 'SKILL.md'), skill('inner', 'A nested skill'));
  write(path.join(codexHome, 'skills', 'unnamed', 'SKILL.md'), '---\ndescription: takes its folder name\n---\nbody\n');
  write(path.join(codexHome, 'skills', 'multi', 'SKILL.md'), '---\nname: multi\ndescription: |\n  line one\n  line two\nmetadata:\n  short-description: short one\n---\nbody\n');
  write(path.join(codexHome, 'skills', '.hidden', 'SKILL.md'), skill('hidden', 'never listed'));
  write(path.join(codexHome, 'skills', 'nofm', 'SKILL.md'), 'no front matter here\n');
  write(path.join(codexHome, 'skills', 'nodesc', 'SKILL.md'), '---\nname: nodesc\n---\nbody\n');
  write(path.join(codexHome, 'skills', 'longname', 'SKILL.md'), skill('x'.repeat(70), 'name too long'));
  write(path.join(repo, '.agents', 'skills', 'beta', 'SKILL.md'), skill('beta', 'Repository root skill'));
  write(path.join(repo, 'pkg', '.agents', 'skills', 'gamma', 'SKILL.md'), skill('gamma', 'Package skill'));
  write(path.join(cwd, '.agents', 'skills', 'gamma2', 'SKILL.md'), skill('gamma2', 'Skill next to the cwd'));
  write(path.join(repo, '.codex', 'skills', 'delta', 'SKILL.md'), skill('delta', 'Project .codex skill'));
  write(path.join(repo, 'skills', 'ignored', 'SKILL.md'), skill('ignored', 'a plain skills folder is not searched'));
  const extra = makeTempDir('codex-extra-');
  write(path.join(extra, 'zeta', 'SKILL.md'), skill('zeta', 'From an extra root'));
  return { codexHome, repo, cwd, extra, model };
}

/** Paths made relative to the layout's folders, so two layouts compare equal. */
function portable(value: unknown, l: Layout): unknown {
  const text = JSON.stringify(value)
    .split(l.codexHome).join('$CODEX_HOME')
    .split(l.repo).join('$REPO')
    .split(l.extra).join('$EXTRA')
    .split(testHome()).join('$HOME');
  return JSON.parse(text);
}

async function withServer<T>(which: Which, run: (server: AppServerProcess, l: Layout) => Promise<T>): Promise<T> {
  const l = await layout();
  const server = await AppServerProcess.start(which, { codexHome: l.codexHome, cwd: l.cwd });
  try {
    const result = await run(server, l);
    assert.deepEqual(server.violations, [], `${which} sent messages that break the schema`);
    return result;
  } finally {
    await server.stop();
    await l.model.stop();
  }
}

async function bothServers<T>(run: (server: AppServerProcess, l: Layout) => Promise<T>): Promise<{ reference: T; ours: T }> {
  const reference = await withServer('reference', run);
  const ours = await withServer('ours', run);
  return { reference, ours };
}

describe('skills (compared with the reference)', function () {
  this.timeout(120000);

  before(() => {
    write(path.join(testHome(), '.agents', 'skills', 'eps', 'SKILL.md'), skill('eps', 'From $HOME/.agents/skills'));
  });
  after(() => fs.rmSync(path.join(testHome(), '.agents'), { recursive: true, force: true }));

  it('skills/list finds the same skills, scopes and errors; extra roots are replaced by each call', async () => {
    const { reference, ours } = await bothServers(async (server, l) => {
      const first = await server.request('skills/list', { cwds: [l.cwd] });
      await server.request('skills/extraRoots/set', { extraRoots: [l.extra] });
      const withExtra = await server.request('skills/list', { cwds: [l.cwd], forceReload: true });
      await server.request('skills/extraRoots/set', { extraRoots: [] });
      const without = await server.request('skills/list', { cwds: [l.cwd] });
      const relative = await server.request('skills/extraRoots/set', { extraRoots: ['relative/path'] }).catch((e) => e.code);
      return portable({ first, withExtra: withExtra.data[0].skills.map((s: any) => s.name), without: without.data[0].skills.map((s: any) => s.name), relative }, l);
    });
    assert.deepEqual(ours, reference);
    const names = (reference as any).first.data[0].skills.map((s: any) => `${s.scope}:${s.name}`);
    assert.deepEqual(names, ['repo:beta', 'repo:delta', 'repo:gamma', 'repo:gamma2', 'user:alpha', 'user:eps', 'user:inner', 'user:multi', 'user:unnamed']);
    assert.equal((reference as any).first.data[0].errors.length, 3);
    assert.ok((reference as any).withExtra.includes('zeta'));
    assert.ok(!(reference as any).without.includes('zeta'));
  });

  it('skills/config/write disables and re-enables by name and by path in config.toml', async () => {
    const { reference, ours } = await bothServers(async (server, l) => {
      const alphaPath = path.join(l.codexHome, 'skills', 'alpha', 'SKILL.md');
      const results = [
        await server.request('skills/config/write', { name: 'beta', enabled: false }),
        await server.request('skills/config/write', { path: alphaPath, enabled: false }),
      ];
      const configAfterDisable = (parseToml(fs.readFileSync(path.join(l.codexHome, 'config.toml'), 'utf8')) as any).skills;
      const listed = (await server.request('skills/list', { cwds: [l.cwd] })).data[0].skills.map((s: any) => [s.name, s.enabled]);
      results.push(await server.request('skills/config/write', { path: alphaPath, enabled: true }));
      const configAfterEnable = (parseToml(fs.readFileSync(path.join(l.codexHome, 'config.toml'), 'utf8')) as any).skills;
      // The file itself, not only its meaning: the same `[[skills.config]]` tables in the same places.
      const configText = fs.readFileSync(path.join(l.codexHome, 'config.toml'), 'utf8').replace(/127\.0\.0\.1:\d+/, 'PORT');
      const bad = await server.request('skills/config/write', { enabled: false }).catch((e) => e.code);
      const both = await server.request('skills/config/write', { name: 'x', path: alphaPath, enabled: false }).catch((e) => e.code);
      return portable({ results, configAfterDisable, listed, configAfterEnable, configText, bad, both }, l);
    });
    assert.deepEqual(ours, reference);
    assert.deepEqual((reference as any).configAfterEnable, { bundled: { enabled: false }, config: [{ name: 'beta', enabled: false }] });
  });

  it('skills/changed fires when a skill file changes under a loaded thread', async () => {
    const { reference, ours } = await bothServers(async (server, l) => {
      await server.request('thread/start', { cwd: l.cwd });
      server.clearNotifications();
      write(path.join(l.cwd, '.agents', 'skills', 'gamma3', 'SKILL.md'), skill('gamma3', 'Added later'));
      await server.waitFor('skills/changed', () => true, 15000);
      const listed = (await server.request('skills/list', { cwds: [l.cwd] })).data[0].skills.map((s: any) => s.name);
      return { changed: true, listed };
    });
    assert.deepEqual(ours, reference);
    assert.ok(reference.listed.includes('gamma3'));
  });

  it('lists enabled skills in the instructions and sends a used skill\'s file to the model', async () => {
    const { reference, ours } = await bothServers(async (server, l) => {
      await server.request('skills/config/write', { name: 'beta', enabled: false });
      l.model.enqueue(reply.text('ok'), reply.text('ok again'));
      const { thread } = await server.request('thread/start', { cwd: l.cwd });
      const gammaPath = path.join(l.repo, 'pkg', '.agents', 'skills', 'gamma', 'SKILL.md');
      const first = await server.request('turn/start', {
        threadId: thread.id,
        input: [
          { type: 'text', text: 'use $gamma please', text_elements: [] },
          { type: 'skill', name: 'gamma', path: gammaPath },
        ],
      });
      const started = await server.waitFor('item/started', (p) => p.item.type === 'userMessage');
      await server.waitFor('turn/completed', (p) => p.turn.id === first.turn.id, 40000);
      const second = await server.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'now $beta and $alpha.', text_elements: [] }] });
      await server.waitFor('turn/completed', (p) => p.turn.id === second.turn.id, 40000);
      const texts = (body: any) => body.input.flatMap((m: any) => (m.type === 'message' ? m.content.map((c: any) => `${m.role}|${c.text}`) : []));
      const [one, two] = l.model.modelRequests.map((r) => texts(r.body));
      const skillsBlock = one.find((t: string) => t.includes('<skills_instructions>'))!;
      // The introductory sentence is our own wording; everything else must match.
      const blockLines = skillsBlock.split('\n').filter((line: string, index: number) => index !== 2);
      const afterPrompt = (all: string[], prompt: string) => all.slice(all.findIndex((t) => t.endsWith(prompt)));
      return portable({
        role: skillsBlock.split('|')[0],
        blockLines,
        firstTurn: afterPrompt(one, 'use $gamma please'),
        secondTurn: afterPrompt(two, 'now $beta and $alpha.'),
        userItem: started.params.item.content,
      }, l);
    });
    assert.deepEqual(ours, reference);
    const r = reference as any;
    assert.equal(r.role, 'developer');
    assert.ok(r.blockLines.includes('- gamma: Package skill (file: r2/gamma/SKILL.md)') || r.blockLines.some((x: string) => x.startsWith('- gamma: Package skill (file: r')));
    assert.ok(!r.blockLines.some((x: string) => x.startsWith('- beta:')), 'a disabled skill is not listed');
    assert.equal(r.firstTurn.length, 2, 'one <skill> message for the item and the $gamma mention together');
    assert.match(r.firstTurn[1], /^user\|<skill>\n<name>gamma<\/name>\n<path>\$REPO\/pkg\/.agents\/skills\/gamma\/SKILL.md<\/path>\n---/);
    assert.equal(r.secondTurn.length, 2, 'the disabled $beta is not sent; $alpha is');
    assert.match(r.secondTurn[1], /<name>alpha<\/name>[\s\S]*ALPHA BODY/);
  });
});
