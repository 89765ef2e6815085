/**
 * `collaborationMode/list` (experimental), `experimentalFeature/list` and
 * `experimentalFeature/enablement/set` on our server and the reference. The presets must be the
 * reference's; the feature list is OUR flags (the reference lists its own catalogue), and a
 * runtime toggle must change what the server actually does (hooks turned off).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { AppServerProcess, RpcResponseError, makeTempDir, type Which } from '../helpers/appServerProcess';

async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcResponseError) return error.code;
    throw error;
  }
  return 0;
}

describe('collaboration modes and feature flags', function () {
  this.timeout(60_000);
  let cwd: string;
  before(() => {
    cwd = makeTempDir('codex-features-');
  });
  after(() => fs.rmSync(cwd, { recursive: true, force: true }));

  async function common(which: Which) {
    const server = await AppServerProcess.start(which, { cwd, experimentalSchema: true });
    const plain = await AppServerProcess.start(which, { cwd, experimentalApi: false });
    try {
      return {
        modes: await server.request('collaborationMode/list', {}),
        modesWithoutExperimentalApi: await codeOf(plain.request('collaborationMode/list', {})),
        unknownFeature: await server.request('experimentalFeature/enablement/set', { enablement: { no_such_feature_anywhere: true } }),
        emptyEnablement: await server.request('experimentalFeature/enablement/set', { enablement: {} }),
        violations: [...server.violations, ...plain.violations],
      };
    } finally {
      await Promise.all([server.stop(), plain.stop()]);
    }
  }

  it('collaborationMode/list, unknown features and the experimental gate answer as the reference does', async () => {
    const [ours, reference] = await Promise.all([common('ours'), common('reference')]);
    assert.deepEqual(ours, reference);
    assert.deepEqual(ours.violations, []);
    assert.deepEqual(
      (ours.modes as { data: { name: string; mode: string }[] }).data.map((mode) => mode.mode),
      ['plan', 'default'],
    );
    assert.equal(ours.modesWithoutExperimentalApi, -32600);
    assert.deepEqual(ours.unknownFeature, { enablement: {} });
  });

  it('lists our flags with paging, and enablement/set toggles them at runtime (ours)', async () => {
    const server = await AppServerProcess.start('ours', { cwd, experimentalSchema: true });
    try {
      const all = await server.request('experimentalFeature/list', {});
      const hooks = all.data.find((f: { name: string }) => f.name === 'hooks');
      assert.deepEqual(hooks, { name: 'hooks', stage: 'stable', displayName: null, description: null, announcement: null, enabled: true, defaultEnabled: true });
      const first = await server.request('experimentalFeature/list', { limit: 1 });
      assert.equal(first.data.length, 1);
      assert.ok(first.nextCursor);
      const second = await server.request('experimentalFeature/list', { limit: 1, cursor: first.nextCursor });
      assert.deepEqual([...first.data, ...second.data], all.data.slice(0, 2));

      const set = await server.request('experimentalFeature/enablement/set', { enablement: { hooks: false, no_such_feature_anywhere: true } });
      assert.deepEqual(set, { enablement: { hooks: false } });
      const after = await server.request('experimentalFeature/list', {});
      assert.equal(after.data.find((f: { name: string }) => f.name === 'hooks').enabled, false);
      // The toggle is real: the hooks engine now reports hooks as off.
      const listed = await server.request('hooks/list', { cwds: [cwd] });
      assert.match(JSON.stringify(listed), /hooks are turned off/);
      await server.request('experimentalFeature/enablement/set', { enablement: { hooks: true } });
      assert.equal((await server.request('experimentalFeature/list', {})).data.find((f: { name: string }) => f.name === 'hooks').enabled, true);
      assert.equal(fs.existsSync(`${server.codexHome}/config.toml`) && /hooks/.test(fs.readFileSync(`${server.codexHome}/config.toml`, 'utf8')), false, 'config.toml untouched');
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
    }
  });
});
