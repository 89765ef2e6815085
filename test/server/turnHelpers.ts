/** Shared setup for the turn tests: a scripted model, a codex home, a workspace, a server. */
import fs from 'node:fs';
import path from 'node:path';
import { AppServerProcess, makeTempDir, type Which } from '../helpers/appServerProcess';
import { ScriptedModel, type ScriptedReply } from '../helpers/scriptedModel';

export interface TurnFixture {
  model: ScriptedModel;
  server: AppServerProcess;
  codexHome: string;
  cwd: string;
  threadId: string;
}

/** Fixtures started and not stopped yet; stopStartedFixtures() ends them after each test. */
const running = new Set<TurnFixture>();

export async function startFixture(
  which: Which,
  replies: ScriptedReply[],
  options: { approvalPolicy?: string; sandboxMode?: string; extra?: string; wireApi?: 'responses' | 'chat'; retries?: number; files?: Record<string, string>; experimentalSchema?: boolean } = {},
): Promise<TurnFixture> {
  const model = await new ScriptedModel().start();
  const codexHome = makeTempDir('codex-home-');
  const cwd = makeTempDir('codex-work-');
  for (const [file, text] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
    fs.writeFileSync(path.join(cwd, file), text);
  }
  model.writeConfig(codexHome, { wireApi: options.wireApi, extra: options.extra });
  let toml = fs.readFileSync(path.join(codexHome, 'config.toml'), 'utf8');
  if (options.approvalPolicy) toml = toml.replace('approval_policy = "never"', `approval_policy = "${options.approvalPolicy}"`);
  if (options.sandboxMode) toml = toml.replace('sandbox_mode = "danger-full-access"', `sandbox_mode = "${options.sandboxMode}"`);
  if (options.retries !== undefined) {
    toml = toml.replace('request_max_retries = 0', `request_max_retries = ${options.retries}`).replace('stream_max_retries = 0', `stream_max_retries = ${options.retries}`);
  }
  fs.writeFileSync(path.join(codexHome, 'config.toml'), toml);
  model.enqueue(...replies);
  let server: AppServerProcess | undefined;
  try {
    server = await AppServerProcess.start(which, { codexHome, cwd, experimentalSchema: options.experimentalSchema });
    const { thread } = await server.request('thread/start', { cwd });
    server.clearNotifications();
    const fixture = { model, server, codexHome, cwd, threadId: thread.id };
    running.add(fixture);
    return fixture;
  } catch (error) {
    // Nothing else would stop them: the test never got the fixture.
    await server?.stop();
    await model.stop();
    throw error;
  }
}

/** Stops the fixture's server and model (again, if a test restarted them). */
export async function stopFixture(fixture: TurnFixture | undefined): Promise<void> {
  if (!fixture) return;
  running.delete(fixture);
  await fixture.server.stop();
  await fixture.model.stop();
}

/** For afterEach: stops every fixture a test started (and did not stop itself). */
export async function stopStartedFixtures(): Promise<void> {
  for (const fixture of [...running]) await stopFixture(fixture);
}

export function textInput(text: string) {
  return [{ type: 'text', text, text_elements: [] }];
}

export async function runTurn(fixture: TurnFixture, text = 'hi', timeoutMs = 40000): Promise<any> {
  const { turn } = await fixture.server.request('turn/start', { threadId: fixture.threadId, input: textInput(text) });
  const completed = await fixture.server.waitFor('turn/completed', (p) => p.turn.id === turn.id, timeoutMs);
  return completed.params.turn;
}

/** Notifications only the reference sends (account and read-state bookkeeping, model metadata warnings). */
export const REFERENCE_ONLY = new Set(['account/rateLimits/updated', 'thread/readState/changed', 'warning', 'thread/started']);

/** The method sequence with streaming deltas collapsed (their count depends on chunking). */
export function methodSequence(methods: string[]): string[] {
  const out: string[] = [];
  for (const method of methods) {
    if (REFERENCE_ONLY.has(method)) continue;
    if (method.endsWith('Delta') && out[out.length - 1] === method) continue;
    out.push(method);
  }
  return out;
}

/** Polls `check` every 25 ms; the error names what was awaited. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
