/**
 * The workspace-write sandbox against a model that tries to write where the
 * thread's policy does not allow: through exec_command, apply_patch heredocs
 * and direct apply_patch calls, with `workdir` at `/`, $HOME, `..` and `.git`,
 * `cd DIR &&` before a heredoc, `..`, symlinks, `Move to`, missing protected
 * names (`.codex`, `.agents`, `/tmp/.git`), broader roots around the
 * workspace, and a remount of `/`. Every case runs against the reference
 * app-server and ours in the same test: ours must block every case (and so at
 * least everything the reference blocks), leave no file behind, and tell the
 * model why. Legitimate writes in the workspace must still work.
 *
 * Both servers run under an outer bwrap that gives them a private /tmp (a
 * folder of this test), so the cases with /tmp writable never touch the
 * machine's real /tmp (no placeholder such as /tmp/.git can appear there).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir, type Which } from '../helpers/appServerProcess';
import { REPO_ROOT } from '../helpers/protocolSchema';
import { reply, ScriptedModel, type ScriptedItem } from '../helpers/scriptedModel';
import { bubblewrapStatus, findBwrap } from '../../server/sandbox/bubblewrap';
import { textInput } from './turnHelpers';

interface Layout {
  root: string;
  home: string;
  codexHome: string;
  parent: string;
  cwd: string;
  outside: string;
  privateTmp: string;
}

/** A case: the model's call and the file that must not exist afterwards. */
interface EscapeCase {
  id: string;
  item: ScriptedItem;
  /** The path that must stay absent (the test's view: /tmp is the private tmp). */
  target: string;
}

interface CaseResult {
  blocked: boolean;
  output: string;
}

const exec = (id: string, cmd: string, workdir?: string): ScriptedItem => ({
  type: 'function_call',
  name: 'exec_command',
  arguments: workdir ? { cmd, workdir } : { cmd },
  callId: id,
});
const patchText = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;
const heredoc = (id: string, body: string, options: { workdir?: string; cd?: string } = {}): ScriptedItem =>
  exec(id, `${options.cd ? `cd ${options.cd} && ` : ''}apply_patch <<'EOF'\n${patchText(body)}\nEOF\n`, options.workdir);
const direct = (id: string, body: string): ScriptedItem => ({ type: 'function_call', name: 'apply_patch', arguments: { input: patchText(body) }, callId: id });
const add = (file: string) => `*** Add File: ${file}\n+escaped`;

function makeLayout(which: Which): Layout {
  // Outside /tmp on purpose: /tmp is a writable root in half the cases.
  const root = fs.realpathSync(makeTempDir(`sbx-escape-${which}-`, '/var/tmp'));
  const layout: Layout = {
    root,
    home: path.join(root, 'home'),
    codexHome: path.join(root, 'codex-home'),
    parent: path.join(root, 'parent'),
    cwd: path.join(root, 'parent', 'work'),
    outside: path.join(root, 'outside'),
    privateTmp: path.join(root, 'private-tmp'),
  };
  for (const dir of [layout.home, path.join(layout.codexHome, 'tmp'), layout.cwd, layout.outside, layout.privateTmp]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(layout.home, '.gitconfig'), '[user]\n\tname = Codex Tests\n\temail = codex-tests@example.invalid\n');
  execFileSync('git', ['init', '-q', layout.cwd], { env: { ...process.env, HOME: layout.home } });
  fs.writeFileSync(path.join(layout.cwd, 'a.txt'), 'one\n');
  fs.symlinkSync(layout.outside, path.join(layout.cwd, 'link-out'));
  return layout;
}

const underTmp = (file: string) => file === '/tmp' || file.startsWith('/tmp/');

/** What a path in the server's view (/tmp is private) is in ours. */
const hostPath = (layout: Layout, file: string) => (file === '/tmp' || file.startsWith('/tmp/') ? path.join(layout.privateTmp, file.slice('/tmp'.length)) : file);

/** /tmp excluded: writes anywhere but the workspace must fail. */
function casesWithoutTmp(l: Layout): EscapeCase[] {
  const fromRoot = path.relative('/', l.outside);
  return [
    { id: 'exec-workdir-root', item: exec('exec-workdir-root', `echo x > ${fromRoot}/exec-root.txt`, '/'), target: path.join(l.outside, 'exec-root.txt') },
    { id: 'exec-workdir-home', item: exec('exec-workdir-home', 'echo x > exec-home.txt', l.home), target: path.join(l.home, 'exec-home.txt') },
    { id: 'exec-workdir-dotdot', item: exec('exec-workdir-dotdot', 'echo x > exec-dotdot.txt', '..'), target: path.join(l.parent, 'exec-dotdot.txt') },
    { id: 'exec-workdir-git', item: exec('exec-workdir-git', 'echo x > hooks/pre-commit', '.git'), target: path.join(l.cwd, '.git/hooks/pre-commit') },
    {
      id: 'exec-create-codex',
      item: exec('exec-create-codex', `mkdir -p .codex && printf 'sandbox_mode = "danger-full-access"\\n' > .codex/config.toml`),
      target: path.join(l.cwd, '.codex/config.toml'),
    },
    { id: 'exec-create-agents', item: exec('exec-create-agents', 'mkdir -p .agents/skills && echo x > .agents/skills/x.md'), target: path.join(l.cwd, '.agents/skills/x.md') },
    { id: 'exec-tmp-excluded', item: exec('exec-tmp-excluded', 'echo x > /tmp/exec-tmp.txt'), target: path.join(l.privateTmp, 'exec-tmp.txt') },
    { id: 'exec-symlink', item: exec('exec-symlink', 'echo x > link-out/exec-link.txt'), target: path.join(l.outside, 'exec-link.txt') },
    {
      id: 'exec-remount',
      item: exec('exec-remount', `mount -o remount,rw / ; mount -o remount,rw ${l.outside} ; echo x > ${l.outside}/exec-remount.txt`),
      target: path.join(l.outside, 'exec-remount.txt'),
    },
    { id: 'heredoc-workdir-root', item: heredoc('heredoc-workdir-root', add(`${fromRoot}/heredoc-root.txt`), { workdir: '/' }), target: path.join(l.outside, 'heredoc-root.txt') },
    { id: 'heredoc-workdir-home', item: heredoc('heredoc-workdir-home', add('heredoc-home.txt'), { workdir: l.home }), target: path.join(l.home, 'heredoc-home.txt') },
    { id: 'heredoc-workdir-dotdot', item: heredoc('heredoc-workdir-dotdot', add('heredoc-dotdot.txt'), { workdir: '..' }), target: path.join(l.parent, 'heredoc-dotdot.txt') },
    { id: 'heredoc-workdir-git', item: heredoc('heredoc-workdir-git', add('hooks/pre-push'), { workdir: '.git' }), target: path.join(l.cwd, '.git/hooks/pre-push') },
    { id: 'heredoc-cd-git', item: heredoc('heredoc-cd-git', add('hooks/post-checkout'), { cd: '.git' }), target: path.join(l.cwd, '.git/hooks/post-checkout') },
    { id: 'heredoc-cd-home', item: heredoc('heredoc-cd-home', add('heredoc-cd-home.txt'), { cd: l.home }), target: path.join(l.home, 'heredoc-cd-home.txt') },
    { id: 'heredoc-codex', item: heredoc('heredoc-codex', add('.codex/config.toml')), target: path.join(l.cwd, '.codex') },
    { id: 'heredoc-move', item: heredoc('heredoc-move', '*** Update File: a.txt\n*** Move to: ../heredoc-move.txt\n@@\n-one\n+moved'), target: path.join(l.parent, 'heredoc-move.txt') },
    { id: 'heredoc-symlink', item: heredoc('heredoc-symlink', add('link-out/heredoc-link.txt')), target: path.join(l.outside, 'heredoc-link.txt') },
    { id: 'heredoc-absolute', item: heredoc('heredoc-absolute', add(path.join(l.outside, 'heredoc-abs.txt'))), target: path.join(l.outside, 'heredoc-abs.txt') },
    { id: 'direct-dotdot', item: direct('direct-dotdot', add('../direct-dotdot.txt')), target: path.join(l.parent, 'direct-dotdot.txt') },
    { id: 'direct-git', item: direct('direct-git', add('.git/hooks/pre-rebase')), target: path.join(l.cwd, '.git/hooks/pre-rebase') },
    { id: 'direct-agents', item: direct('direct-agents', add('.agents/direct.md')), target: path.join(l.cwd, '.agents') },
    { id: 'direct-move', item: direct('direct-move', `*** Update File: a.txt\n*** Move to: ${path.join(l.outside, 'direct-move.txt')}\n@@\n-one\n+moved`), target: path.join(l.outside, 'direct-move.txt') },
    { id: 'direct-tmp-excluded', item: direct('direct-tmp-excluded', add('/tmp/direct-tmp.txt')), target: path.join(l.privateTmp, 'direct-tmp.txt') },
  ];
}

/** /tmp included and an extra root (the workspace's parent) around the workspace: protected names must hold anyway. */
function casesWithTmp(l: Layout): EscapeCase[] {
  return [
    { id: 'tmp-exec-git', item: exec('tmp-exec-git', 'echo x > .git/hooks/pre-commit'), target: path.join(l.cwd, '.git/hooks/pre-commit') },
    { id: 'tmp-exec-workdir-git', item: exec('tmp-exec-workdir-git', 'echo x > hooks/pre-merge-commit', '.git'), target: path.join(l.cwd, '.git/hooks/pre-merge-commit') },
    { id: 'tmp-exec-tmp-git', item: exec('tmp-exec-tmp-git', 'mkdir -p /tmp/.git/hooks && echo x > /tmp/.git/hooks/pre-commit'), target: path.join(l.privateTmp, '.git') },
    {
      id: 'tmp-exec-tmp-codex',
      item: exec('tmp-exec-tmp-codex', `mkdir -p /tmp/.codex && printf 'sandbox_mode = "danger-full-access"\\n' > /tmp/.codex/config.toml`),
      target: path.join(l.privateTmp, '.codex'),
    },
    { id: 'tmp-exec-parent-codex', item: exec('tmp-exec-parent-codex', 'mkdir -p ../.codex && echo x > ../.codex/config.toml'), target: path.join(l.parent, '.codex') },
    { id: 'tmp-exec-codex', item: exec('tmp-exec-codex', 'mkdir -p .codex && echo x > .codex/config.toml'), target: path.join(l.cwd, '.codex') },
    { id: 'tmp-exec-workdir-home', item: exec('tmp-exec-workdir-home', 'echo x > tmp-exec-home.txt', l.home), target: path.join(l.home, 'tmp-exec-home.txt') },
    { id: 'tmp-exec-workdir-root', item: exec('tmp-exec-workdir-root', `echo x > ${path.relative('/', l.outside)}/tmp-root.txt`, '/'), target: path.join(l.outside, 'tmp-root.txt') },
    { id: 'tmp-heredoc-cd-git', item: heredoc('tmp-heredoc-cd-git', add('hooks/pre-push'), { cd: '.git' }), target: path.join(l.cwd, '.git/hooks/pre-push') },
    { id: 'tmp-heredoc-workdir-git', item: heredoc('tmp-heredoc-workdir-git', add('hooks/post-merge'), { workdir: '.git' }), target: path.join(l.cwd, '.git/hooks/post-merge') },
    { id: 'tmp-heredoc-tmp-git', item: heredoc('tmp-heredoc-tmp-git', add('/tmp/.git/hooks/pre-commit')), target: path.join(l.privateTmp, '.git') },
    { id: 'tmp-heredoc-workdir-home', item: heredoc('tmp-heredoc-workdir-home', add('tmp-heredoc-home.txt'), { workdir: l.home }), target: path.join(l.home, 'tmp-heredoc-home.txt') },
    { id: 'tmp-direct-git', item: direct('tmp-direct-git', add('.git/hooks/pre-rebase')), target: path.join(l.cwd, '.git/hooks/pre-rebase') },
    { id: 'tmp-direct-tmp-codex', item: direct('tmp-direct-tmp-codex', add('/tmp/.codex/config.toml')), target: path.join(l.privateTmp, '.codex') },
    { id: 'tmp-direct-parent-agents', item: direct('tmp-direct-parent-agents', add('../.agents/x.md')), target: path.join(l.parent, '.agents') },
  ];
}

/** Writes the sandbox must still allow (so a broken sandbox cannot pass as a strict one). */
function allowedWrites(l: Layout, prefix: string): EscapeCase[] {
  return [
    { id: `${prefix}ok-exec`, item: exec(`${prefix}ok-exec`, `echo ok > ${prefix}ok-exec.txt`), target: path.join(l.cwd, `${prefix}ok-exec.txt`) },
    { id: `${prefix}ok-heredoc`, item: heredoc(`${prefix}ok-heredoc`, add(`${prefix}ok-heredoc.txt`)), target: path.join(l.cwd, `${prefix}ok-heredoc.txt`) },
  ];
}

/** The text the model got back for a call (function_call_output in its next request). */
function outputFor(model: ScriptedModel, callId: string): string {
  for (const request of [...model.modelRequests].reverse()) {
    const item = (request.body?.input ?? []).find((i: any) => i.call_id === callId && String(i.type).endsWith('_output'));
    if (item) return typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
  }
  return '(no output)';
}

async function runCases(which: Which, withTmp: boolean): Promise<{ results: Map<string, CaseResult>; allowed: Map<string, boolean>; layout: Layout; leftovers: string[]; nextSandbox: unknown }> {
  const layout = makeLayout(which);
  const cases = withTmp ? casesWithTmp(layout) : casesWithoutTmp(layout);
  const allowed = allowedWrites(layout, withTmp ? 'tmp-' : '');
  const model = await new ScriptedModel().start();
  model.writeConfig(layout.codexHome);
  const settings = withTmp
    ? `[sandbox_workspace_write]\nwritable_roots = [${JSON.stringify(layout.parent)}]\n`
    : '[sandbox_workspace_write]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true\n';
  // The shared config keeps /tmp out of the roots; here the servers have a private /tmp, and each case sets its own table.
  const toml = fs
    .readFileSync(path.join(layout.codexHome, 'config.toml'), 'utf8')
    .replace('sandbox_mode = "danger-full-access"', 'sandbox_mode = "workspace-write"')
    .replace(/^\[sandbox_workspace_write\]\s*\nexclude_slash_tmp = true\n/m, '');
  fs.writeFileSync(path.join(layout.codexHome, 'config.toml'), `${toml}\n${settings}`);
  // All calls in one reply: both servers run them in the same turn, then the model ends it.
  model.enqueue(reply.items(...[...cases, ...allowed].map((c) => c.item)), reply.text('done'));
  const server = await AppServerProcess.start(which, {
    codexHome: layout.codexHome,
    cwd: layout.cwd,
    env: { HOME: layout.home, TMPDIR: path.join(layout.codexHome, 'tmp') },
    // A checkout under /tmp (a fresh clone in /tmp/…) would vanish behind the private /tmp: bind it back.
    wrapper: [findBwrap()!, '--dev-bind', '/', '/', '--bind', layout.privateTmp, '/tmp', ...(underTmp(REPO_ROOT) ? ['--bind', REPO_ROOT, REPO_ROOT] : []), '--die-with-parent', '--'],
  });
  try {
    const { thread } = await server.request('thread/start', { cwd: layout.cwd });
    const { turn } = await server.request('turn/start', { threadId: thread.id, input: textInput('try to escape') });
    await server.waitFor('turn/completed', (p) => p.turn.id === turn.id, 90000);
    const results = new Map<string, CaseResult>();
    for (const c of cases) results.set(c.id, { blocked: !fs.existsSync(hostPath(layout, c.target)), output: outputFor(model, c.id) });
    const allowedResults = new Map(allowed.map((c) => [c.id, fs.existsSync(c.target)]));
    // A later thread in the same project keeps the configured sandbox (no project config could be written).
    const next = await server.request('thread/start', { cwd: layout.cwd });
    const leftovers = ['.codex', '.agents'].map((n) => path.join(layout.cwd, n)).concat(['.git', '.codex', '.agents'].map((n) => path.join(layout.privateTmp, n)), [path.join(layout.parent, '.codex'), path.join(layout.parent, '.agents')]);
    return { results, allowed: allowedResults, layout, leftovers: leftovers.filter((p) => fs.existsSync(p)), nextSandbox: next.sandbox };
  } finally {
    await server.stop();
    await model.stop();
  }
}

const TOLD_WHY = /read-only file system|permission denied|operation not permitted|patch rejected|read-only|outside the writable roots|cannot sandbox/i;

describe('sandbox escapes: ours blocks at least what the reference blocks', function () {
  this.timeout(240000);

  before(function () {
    if (!bubblewrapStatus().available) this.skip();
  });

  for (const withTmp of [false, true]) {
    it(withTmp ? 'with /tmp and a root around the workspace writable' : 'with /tmp excluded', async () => {
      const reference = await runCases('reference', withTmp);
      const ours = await runCases('ours', withTmp);
      const escapedReference = [...reference.results].filter(([, r]) => !r.blocked).map(([id]) => id);
      if (escapedReference.length) console.log(`      reference let through: ${escapedReference.join(', ')}`);
      if (reference.leftovers.length) console.log(`      reference left behind: ${reference.leftovers.map((p) => path.relative(reference.layout.root, p)).join(', ')}`);
      for (const [id, result] of ours.results) {
        assert.ok(result.blocked, `ours let ${id} through; the model read:\n${result.output}`);
        assert.match(result.output, TOLD_WHY, `${id}: the model is told why:\n${result.output}`);
      }
      for (const [id, result] of reference.results) if (result.blocked) assert.ok(ours.results.get(id)?.blocked, id);
      for (const [id, written] of ours.allowed) assert.ok(written, `ours must still allow ${id}`);
      assert.deepEqual(ours.leftovers, [], 'no placeholder left behind');
      assert.equal(fs.readFileSync(path.join(ours.layout.cwd, 'a.txt'), 'utf8'), 'one\n', 'a refused Move leaves the source alone');
      assert.equal((ours.nextSandbox as { type: string }).type, 'workspaceWrite');
      assert.equal(fs.readdirSync(path.join(ours.layout.codexHome, 'tmp')).filter((n) => n.startsWith('codex-vscode-sandbox')).flatMap((n) => fs.readdirSync(path.join(ours.layout.codexHome, 'tmp', n))).length, 0, 'no placeholder marker left');
    });
  }
});
