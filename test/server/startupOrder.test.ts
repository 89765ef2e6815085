/**
 * Our server answers `initialize` before it evaluates its other namespaces
 * (cold start). A client that pipelines its first messages in one write —
 * initialize, initialized and a request for a namespace still loading — must
 * see exactly what it saw before: every answer, and the startup configWarning.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { AppServer, type NamespaceModule } from '../../server/core/appServer';
import { parseArgs } from '../../server/cli';
import { initializeModule } from '../../server/initialize';
import { ThreadLoadedListParams } from '../../protocol/thread';

async function waitForLine(server: AppServerProcess, matches: (message: any) => boolean): Promise<any> {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const found = server.rawLines.map((line) => JSON.parse(line)).find(matches);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no matching message within 20 s; got:\n${server.rawLines.join('\n')}`);
}

describe('startup order (ours)', function () {
  this.timeout(60000);

  it('serves messages pipelined with initialize and still reports startup config problems', async () => {
    const codexHome = makeTempDir('startup-order-');
    fs.writeFileSync(path.join(codexHome, 'config.toml'), 'model = "x"\n[oops\n');
    const server = AppServerProcess.spawn('ours', { codexHome });
    try {
      server.sendRaw(
        [
          JSON.stringify({ id: 1, method: 'initialize', params: { clientInfo: { name: 'pipelined', version: '1' }, capabilities: { experimentalApi: true } } }),
          JSON.stringify({ method: 'initialized' }),
          JSON.stringify({ id: 2, method: 'config/read', params: {} }),
          JSON.stringify({ id: 3, method: 'thread/list', params: {} }),
          JSON.stringify({ id: 4, method: 'no/suchMethod', params: {} }),
        ].join('\n'),
      );
      const initialize = await waitForLine(server, (m) => m.id === 1);
      assert.equal(initialize.result.codexHome, codexHome);
      const config = await waitForLine(server, (m) => m.id === 2);
      assert.equal(typeof config.result.config, 'object', 'config/read answered while the config namespace was loading');
      const threads = await waitForLine(server, (m) => m.id === 3);
      assert.deepEqual(threads.result.data, []);
      const unknown = await waitForLine(server, (m) => m.id === 4);
      assert.equal(unknown.error.code, -32601);
      const warning = await server.waitFor('configWarning', (p) => /Invalid TOML/.test(p.summary));
      assert.equal(warning.params.path, path.join(codexHome, 'config.toml'));
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
    }
  });

  it('in process: messages arriving in the same turn as initialize wait for the deferred modules', async () => {
    const codexHome = makeTempDir('startup-order-');
    const server = new AppServer(codexHome, parseArgs([], { CODEX_HOME: codexHome }));
    server.use(initializeModule);
    const lateModule: NamespaceModule = (registry, app) => {
      app.onSessionReady((session) => session.notify('configWarning', { summary: 'found at startup', details: null }));
      // A method of a module loaded later (the real thread module would bring the whole store).
      registry.register('thread/loaded/list', ThreadLoadedListParams, (params) => ({ data: [`late:${params.cursor}`], nextCursor: null }));
    };
    const loaded = server.loadLater(async () => [lateModule]);
    const sent: any[] = [];
    const { connection } = server.connect((text) => sent.push(JSON.parse(text)));
    // All in one synchronous burst, before the deferred load has run.
    connection.receive(JSON.stringify({ id: 1, method: 'initialize', params: { clientInfo: { name: 'burst', version: '1' } } }));
    connection.receive(JSON.stringify({ method: 'initialized' }));
    connection.receive(JSON.stringify({ id: 2, method: 'thread/loaded/list', params: { cursor: 'hi' } }));
    assert.equal(server.registry.has('thread/loaded/list'), false, 'the module is not loaded yet');
    await loaded;
    await server.loaded();
    const deadline = Date.now() + 20000;
    while (sent.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(sent.find((m) => m.id === 1)?.result.codexHome, codexHome);
    assert.deepEqual(sent.find((m) => m.id === 2)?.result, { data: ['late:hi'], nextCursor: null });
    assert.deepEqual(sent.find((m) => m.method === 'configWarning')?.params, { summary: 'found at startup', details: null });
    await server.dispose();
  });
});
