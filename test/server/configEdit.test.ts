import assert from 'node:assert/strict';
import { parse } from 'smol-toml';
import { ConfigEditError, TomlDocument } from '../../server/config/edit';

const ORIGINAL = `# My codex config
model = "gpt-5" # the default model

[features]
# experimental things
hooks = true

[[hooks.PreToolUse]]
matcher = "Bash"
[[hooks.PreToolUse.hooks]]
type = "command"
command = "echo pre"

[tui]
notifications = [
  "agent-turn-complete", # when a turn ends
]
`;

const edit = (text: string, ...edits: [string[], unknown, ('replace' | 'upsert')?][]) => {
  const doc = new TomlDocument(text);
  for (const [keyPath, value, strategy] of edits) doc.apply(keyPath, value, strategy ?? 'replace');
  return doc.toString();
};

describe('surgical config.toml edits', () => {
  it('replaces a value in place, keeping its key spelling and trailing comment', () => {
    const out = edit(ORIGINAL, [['model'], 'o3']);
    assert.equal(out, ORIGINAL.replace('model = "gpt-5" # the default model', 'model = "o3" # the default model'));
  });

  it('adds top-level keys after the existing ones and keys to an existing table', () => {
    const out = edit(ORIGINAL, [['approval_policy'], 'never'], [['features', 'web_search'], false]);
    assert.equal(
      out,
      ORIGINAL.replace('# the default model\n', '# the default model\napproval_policy = "never"\n').replace('hooks = true\n', 'hooks = true\nweb_search = false\n'),
    );
  });

  it('replaces a multi-line value whole', () => {
    const out = edit(ORIGINAL, [['tui', 'notifications'], ['approval-requested']]);
    assert.ok(out.includes('[tui]\nnotifications = ["approval-requested"]\n'));
    assert.ok(!out.includes('agent-turn-complete'));
    assert.ok(out.startsWith('# My codex config\n'));
  });

  it('writes hook state as the reference does and merges upserts field by field', () => {
    const key = '/home/u/.codex/config.toml:pre_tool_use:0:0';
    const out = edit(ORIGINAL, [['hooks', 'state'], { [key]: { trusted_hash: 'sha256:1' } }, 'upsert'], [['hooks', 'state'], { [key]: { enabled: false } }, 'upsert']);
    assert.ok(out.startsWith(ORIGINAL.trimEnd()), 'everything before is untouched');
    assert.ok(out.endsWith(`\n\n[hooks.state."${key}"]\ntrusted_hash = "sha256:1"\nenabled = false\n`));
    const parsed = JSON.parse(JSON.stringify(parse(out)));
    assert.deepEqual(parsed.hooks.state[key], { trusted_hash: 'sha256:1', enabled: false });
    assert.equal(parsed.hooks.PreToolUse[0].hooks[0].command, 'echo pre', 'array tables intact');
  });

  it('replace drops the old table; null removes a key or a whole table', () => {
    let out = edit(ORIGINAL, [['features'], { memories: true }, 'replace']);
    assert.deepEqual({ ...(parse(out) as any).features }, { memories: true });
    out = edit(out, [['features'], null]);
    assert.equal((parse(out) as any).features, undefined);
    assert.ok(out.includes('# My codex config') && out.includes('[tui]'));
    out = edit(out, [['model'], null]);
    assert.equal((parse(out) as any).model, undefined);
  });

  it('edits dotted keys and inline tables where they are', () => {
    const text = 'features.hooks = true\nhistory = { persistence = "none" }\n';
    const out = edit(text, [['features', 'memories'], true], [['history', 'max_bytes'], 1000]);
    assert.equal(out, 'features.hooks = true\nfeatures.memories = true\nhistory = { persistence = "none", max_bytes = 1000 }\n');
  });

  it('creates the file content from nothing and quotes keys that need it', () => {
    const out = edit('', [['projects', '/work/my repo', 'trust_level'], 'trusted'], [['model'], 'x']);
    assert.equal(out, 'model = "x"\n\n[projects."/work/my repo"]\ntrust_level = "trusted"\n');
  });

  it('replaces and removes values written as [[array.of.tables]] sections', () => {
    const text = '[hooks]\n[[hooks.PreToolUse]]\nmatcher = "Bash"\n[[hooks.PreToolUse.hooks]]\ntype = "command"\ncommand = "a"\n\n[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = "command"\ncommand = "b"\n\n# tui settings\n[tui]\nx = 1\n';
    let out = edit(text, [['hooks', 'PreToolUse'], [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'c' }] }]]);
    assert.deepEqual(JSON.parse(JSON.stringify((parse(out) as any).hooks.PreToolUse)), [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'c' }] }]);
    assert.equal((parse(out) as any).hooks.Stop[0].hooks[0].command, 'b');
    out = edit(out, [['hooks', 'Stop'], null]);
    assert.equal(out, '[hooks]\nPreToolUse = [{ matcher = "Edit", hooks = [{ type = "command", command = "c" }] }]\n\n# tui settings\n[tui]\nx = 1\n');
  });

  it('removes several [[array.of.tables]] sections that end the file', () => {
    const text = 'model = "x"\n\n[skills.bundled]\nenabled = false\n\n[[skills.config]]\nname = "beta"\nenabled = false\n\n[[skills.config]]\npath = "/a/SKILL.md"\nenabled = false\n';
    assert.equal(edit(text, [['skills', 'config'], null]), 'model = "x"\n\n[skills.bundled]\nenabled = false\n');
  });

  it('refuses an impossible edit and leaves the text unchanged', () => {
    const doc = new TomlDocument(ORIGINAL);
    assert.throws(() => doc.apply(['model', 'nested'], 1, 'replace'), ConfigEditError);
    assert.throws(() => doc.apply(['tui', 'notifications'], [1, null], 'replace'), ConfigEditError);
    assert.equal(doc.toString(), ORIGINAL);
  });

  it('refuses to edit a file that is not valid TOML', () => {
    assert.throws(() => new TomlDocument('[broken\n').apply(['model'], 'x', 'replace'), /not valid TOML/);
  });
});
