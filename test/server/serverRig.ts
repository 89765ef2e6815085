/**
 * Shared setup of the server tests that run against one fresh server per test:
 * a scripted model for the whole suite, and for each test a new CODEX_HOME and
 * our server in it, stopped afterwards with every message checked against the
 * reference schema. Plus the assertions those tests share.
 */
import assert from 'node:assert/strict';
import { AppServerProcess, makeTempDir, RpcResponseError } from '../helpers/appServerProcess';
import { ScriptedModel } from '../helpers/scriptedModel';

export interface ServerRig {
  readonly model: ScriptedModel;
  readonly codexHome: string;
  /** A test may replace it (e.g. to restart the server); the replacement is stopped and checked. */
  server: AppServerProcess;
}

/** Registers the mocha hooks; the returned object's fields are set once the hooks ran. */
export function useServerPerTest(prefix: string): ServerRig {
  const rig = {} as { model: ScriptedModel; codexHome: string; server: AppServerProcess };
  // Fields are filled by the hooks below, before any test reads them.
  before(async () => {
    rig.model = await new ScriptedModel().start();
  });
  after(async () => {
    await rig.model.stop();
  });
  beforeEach(async () => {
    rig.codexHome = makeTempDir(prefix);
    rig.model.writeConfig(rig.codexHome);
    rig.server = await AppServerProcess.start('ours', { codexHome: rig.codexHome });
  });
  afterEach(async () => {
    await rig.server.stop();
    assert.deepEqual(rig.server.violations, [], 'every message validates against the reference schema');
  });
  return rig;
}

export async function rejects(promise: Promise<unknown>, code: number, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RpcResponseError, `expected an RPC error, got ${error}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

/**
 * Notifications may trail the response that caused them: waits until `arrived()`
 * holds (at most 20 s; the assertion that follows then shows what is missing),
 * then 150 ms more so that unexpected extra ones are caught too.
 */
export async function settle(arrived: () => boolean): Promise<void> {
  const deadline = Date.now() + 20000;
  while (!arrived() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 150));
}
