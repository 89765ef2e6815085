/** model/list on our server. */
import assert from 'node:assert/strict';
import { rejects, useServerPerTest } from './serverRig';

describe('models on our server', function () {
  this.timeout(60000);
  const rig = useServerPerTest('models-test-');

  describe('model/list', () => {
    it('lists the configured model first as default, then the catalog, with paging', async () => {
      const all = await rig.server.request('model/list', {});
      assert.equal(all.data[0].id, 'mock-model');
      assert.equal(all.data[0].isDefault, true);
      assert.equal(all.data.filter((m: any) => m.isDefault).length, 1);
      assert.ok(all.data.some((m: any) => m.id === 'gpt-5.1-codex'));
      assert.ok(all.data.every((m: any) => !m.hidden));
      const hidden = await rig.server.request('model/list', { includeHidden: true });
      assert.ok(hidden.data.length > all.data.length);
      const page = await rig.server.request('model/list', { limit: 2 });
      assert.equal(page.data.length, 2);
      const rest = await rig.server.request('model/list', { cursor: page.nextCursor });
      assert.deepEqual([...page.data, ...rest.data].map((m: any) => m.id), all.data.map((m: any) => m.id));
      await rejects(rig.server.request('model/list', { modelProvider: 'nowhere' }), -32600, /unknown model provider/);
    });
  });
});
