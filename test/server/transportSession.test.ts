/**
 * A whole session over the WebSocket transport, with auth: handshake, thread,
 * and a streamed turn against the scripted model; every message the server
 * sends is validated against the reference schema.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, RpcResponseError } from '../helpers/appServerProcess';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { ListeningServer, WsRpcClient } from '../helpers/listeningServer';

describe('session over websocket', function () {
  this.timeout(60000);
  let model: ScriptedModel;
  let server: ListeningServer;
  let home: string;
  const token = 'session-token-' + Date.now();

  before(async () => {
    model = await new ScriptedModel().start();
    home = makeTempDir('codex-ws-session-');
    model.writeConfig(home);
    fs.writeFileSync(path.join(home, 'token'), token);
    server = await ListeningServer.start('ws://127.0.0.1:0', ['--ws-auth', 'capability-token', '--ws-token-file', path.join(home, 'token')], {
      codexHome: home,
    });
  });
  after(async () => {
    await server?.stop();
    await model?.stop();
  });

  it('refuses thread methods before initialize', async () => {
    const client = await WsRpcClient.connect(server.url, { token });
    try {
      await assert.rejects(client.request('thread/list', {}), (error: RpcResponseError) => error.code === -32600 && /Not initialized/.test(error.message));
    } finally {
      await client.close();
    }
  });

  it('runs initialize, thread/start and a streamed turn, and a second client sees the thread', async () => {
    const workspace = makeTempDir('codex-ws-workspace-');
    const client = await WsRpcClient.connect(server.url, { token });
    const observer = await WsRpcClient.connect(server.url, { token });
    try {
      await client.initialize('ws-session');
      await observer.initialize('ws-observer');
      const { thread } = await client.request('thread/start', { cwd: workspace });
      assert.equal(typeof thread.id, 'string');

      model.enqueue(reply.text('Hello over the socket.', ['Hello ', 'over ', 'the ', 'socket.']));
      const { turn } = await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
      const completed = await client.waitFor('turn/completed', (p) => p.turn.id === turn.id, 40000);
      assert.equal(completed.params.turn.status, 'completed');
      const deltas = client.notifications.filter((n) => n.method === 'item/agentMessage/delta').map((n) => n.params.delta);
      assert.equal(deltas.join(''), 'Hello over the socket.');
      assert.ok(deltas.length > 1, 'the reply streamed in several frames');
      assert.equal(model.modelRequests.length, 1);

      // The same server, another connection: the stored thread is there.
      const listed = await observer.request('thread/list', {});
      assert.ok(listed.data.some((t: { id: string }) => t.id === thread.id), 'the observer does not list the thread');
      const read = await observer.request('thread/read', { threadId: thread.id, includeTurns: true });
      const agentText = read.thread.turns.flatMap((t: any) => t.items).find((i: any) => i.type === 'agentMessage')?.text;
      assert.equal(agentText, 'Hello over the socket.');

      assert.deepEqual(client.violations, []);
      assert.deepEqual(observer.violations, []);
    } finally {
      await client.close();
      await observer.close();
    }
  });
});
