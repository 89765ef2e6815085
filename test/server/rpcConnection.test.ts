import assert from 'node:assert/strict';
import { JsonRpcConnection } from '../../server/rpc/connection';
import { RpcError } from '../../server/rpc/errors';

describe('JsonRpcConnection server requests', () => {
  it('startRequest tells the id it put on the wire and resolves with the answer to that id', async () => {
    const sent: any[] = [];
    const connection = new JsonRpcConnection((text) => sent.push(JSON.parse(text)));
    const first = connection.startRequest('item/commandExecution/requestApproval', { n: 1 });
    const second = connection.startRequest('item/fileChange/requestApproval', { n: 2 });
    assert.deepEqual(sent.map((m) => m.id), [first.id, second.id]);
    assert.notEqual(first.id, second.id);
    // Answers out of order, one with the id echoed back as a string.
    connection.receive(JSON.stringify({ id: String(second.id), result: { decision: 'decline' } }));
    connection.receive(JSON.stringify({ id: first.id, result: { decision: 'accept' } }));
    assert.deepEqual(await first.result, { decision: 'accept' });
    assert.deepEqual(await second.result, { decision: 'decline' });
  });

  it('an error answer rejects with the client error; closing rejects what is still pending', async () => {
    const connection = new JsonRpcConnection(() => {});
    const refused = connection.startRequest('x', {});
    const pending = connection.startRequest('y', {});
    connection.receive(JSON.stringify({ id: refused.id, error: { code: -32000, message: 'no' } }));
    await assert.rejects(refused.result, (e: RpcError) => e.code === -32000 && e.message === 'no');
    connection.close();
    await assert.rejects(pending.result, /connection closed/);
    await assert.rejects(connection.startRequest('z', {}).result, /connection closed/);
  });
});
