/**
 * Integration-test runner that executes INSIDE a real VS Code extension host, against the
 * installed Codex extension. The host side (test/integration/harness/integrationHarness.ts) bundles this
 * file and the suites with esbuild into a throwaway "test runner" extension that is never
 * part of the shipped .vsix.
 *
 * ## Conventions for suites (read before writing `test/integration/<feature>.itest.ts`)
 * - One file per feature, named `test/integration/<feature>.itest.ts`. Mocha BDD globals
 *   (`describe`, `it`, `before`, `after`…) with `node:assert/strict`.
 * - `import * as vscode from 'vscode'` is the real API of the running VS Code (code-server
 *   1.100.x, or desktop VS Code through @vscode/test-electron). Suites are bundled into one
 *   file, so importing extension source (`../../extension/...`) gives a SECOND copy of that
 *   module, not the live one: drive the extension the way a user or another extension would
 *   (commands via `vscode.commands.executeCommand`, editors, the Codex views, and whatever
 *   `activate()` returns, from `vscode.extensions.getExtension(CODEX_EXTENSION_ID)`).
 *   Call `await activateCodex()` first: it activates the installed extension and returns its
 *   exports.
 * - The window has one workspace folder: a fresh git repository (one commit) holding
 *   `README.md` and `src/sample.ts`. Create more files under it as needed; paths come from
 *   `workspaceRoot()`. Every run gets a fresh folder, so there is nothing to clean up between runs,
 *   but tests in one run share it: use distinct file names per suite.
 * - The Codex app-server is our bundled `dist/server.js`, spawned by the extension with
 *   `CODEX_HOME` pointing at an empty temporary folder (never the user's ~/.codex). A suite that
 *   needs model replies starts a `ScriptedModel` (`../helpers/scriptedModel`) in the extension
 *   host itself, writes its config with `model.writeConfig(codexHome())`, and runs
 *   `codex.restartServer` so the server reads it.
 * - Keep each test under 20 s (the default mocha timeout here); set `this.timeout()` if a test
 *   truly needs longer. No `.only` in committed suites.
 * - Run: `npm run test:integration` (all suites, in code-server, then in desktop VS Code when
 *   VSCODE_EXECUTABLE is set), or `npm run test:integration -- test/integration/foo.itest.ts`,
 *   and `CODEX_ITEST_GREP=pattern` to filter by test title.
 *
 * ## How results come back
 * The host passes the path of a JSON results file in CODEX_ITEST_RESULTS and the suites bundle
 * in CODEX_ITEST_SUITES. In code-server the runner extension activates on start-up and runs
 * when those are set; under @vscode/test-electron VS Code calls `run()`. Each test result is
 * also printed (console.log), which lands in the extension-host log.
 */
import fs from 'node:fs';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export interface ItestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface ItestReport {
  vscodeVersion: string;
  appHost: string;
  startedAt: string;
  finishedAt: string;
  passed: number;
  failed: number;
  pending: number;
  results: ItestResult[];
  /** Set when the runner itself failed (suite bundle did not load…). */
  runnerError?: string;
}

/** Entry point for @vscode/test-electron (`--extensionTestsPath`). Rejects when a test fails. */
export async function run(): Promise<void> {
  const report = await runSuites();
  if (report.runnerError) throw new Error(report.runnerError);
  if (report.failed > 0) throw new Error(`${report.failed} integration test(s) failed`);
}

/** Entry point as an installed extension (code-server mode): runs when the harness asked for it. */
export function activate(): void {
  const resultsFile = process.env.CODEX_ITEST_RESULTS;
  if (!resultsFile) return;
  // Tells the host the runner is alive, so a runner that never starts fails fast.
  fs.writeFileSync(`${resultsFile}.started`, new Date().toISOString());
  void runSuites();
}

export function deactivate(): void {}

async function runSuites(): Promise<ItestReport> {
  const resultsFile = process.env.CODEX_ITEST_RESULTS;
  const suitesFile = process.env.CODEX_ITEST_SUITES;
  const report: ItestReport = {
    vscodeVersion: vscode.version,
    appHost: vscode.env.appHost,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    passed: 0,
    failed: 0,
    pending: 0,
    results: [],
  };
  const finish = () => {
    report.finishedAt = new Date().toISOString();
    if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(report, null, 2));
    return report;
  };
  try {
    if (!suitesFile || !fs.existsSync(suitesFile)) throw new Error(`CODEX_ITEST_SUITES does not name a bundle: ${suitesFile}`);
    const mocha = new Mocha({
      ui: 'bdd',
      timeout: 20_000,
      color: false,
      grep: process.env.CODEX_ITEST_GREP || undefined,
      reporter: collectingReporter(report),
    });
    mocha.addFile(suitesFile);
    await new Promise<void>((resolve) => mocha.run(() => resolve()));
  } catch (error) {
    report.runnerError = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.log(`[itest] runner error: ${report.runnerError}`);
  }
  return finish();
}

/** A mocha reporter that fills `report` and logs one line per test. */
function collectingReporter(report: ItestReport) {
  return class CollectingReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
        report.passed++;
        report.results.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
        console.log(`[itest] ✓ ${test.fullTitle()}`);
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error) => {
        report.failed++;
        const message = error?.stack ?? String(error);
        report.results.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: message });
        console.log(`[itest] ✗ ${test.fullTitle()}\n${message}`);
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test) => {
        report.pending++;
        report.results.push({ title: test.fullTitle(), state: 'pending', durationMs: 0 });
      });
    }
  };
}
