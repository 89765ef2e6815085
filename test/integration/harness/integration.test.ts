/**
 * Runs the integration suites (test/integration/*.itest.ts) inside real VS Code: code-server
 * always, desktop VS Code through @vscode/test-electron when VSCODE_EXECUTABLE is set.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { bundleRunner, findSuites, formatReport, removeUnlessKept, runInCodeServer, runInDesktopVsCode, type RunnerBundle } from './integrationHarness';
import { sharedVsix } from './sharedVsix';

describe('integration suites in a real VS Code', function () {
  this.timeout(10 * 60_000);
  let bundle: RunnerBundle;

  before(async () => {
    bundle = await bundleRunner(findSuites());
  });

  after(() => {
    if (bundle) removeUnlessKept(path.dirname(bundle.suitesFile));
  });

  it('pass in code-server against the installed .vsix', async () => {
    const vsix = await sharedVsix();
    const { report, diagnostics } = await runInCodeServer({ codexVsix: vsix, bundle });
    const summary = formatReport('code-server', report);
    console.log(summary);
    const ok = !report.runnerError && report.failed === 0 && report.passed > 0;
    assert.ok(ok, `${summary}\n${diagnostics}`);
  });

  it('reports a failing test from inside VS Code with its message (harness self-check)', async () => {
    const fixture = await bundleRunner([path.join(__dirname, 'fixtures', 'deliberate.itest.ts')]);
    const { report, diagnostics } = await runInCodeServer({ codexVsix: await sharedVsix(), bundle: fixture });
    removeUnlessKept(path.dirname(fixture.suitesFile));
    assert.equal(report.runnerError, undefined);
    assert.deepEqual(
      report.results.map((r) => [r.title, r.state]),
      [
        ['harness self-check sees the real VS Code API', 'passed'],
        ['harness self-check fails on purpose', 'failed'],
      ],
    );
    assert.match(report.results[1].error ?? '', /deliberate failure from inside VS Code/);
    assert.match(report.vscodeVersion, /^1\.100\./, 'code-server 4.100.x runs VS Code 1.100');
    assert.match(diagnostics, /code-server output/);
  });

  it('pass in desktop VS Code (VSCODE_EXECUTABLE)', async function () {
    const desktop = await runInDesktopVsCode(bundle);
    if (desktop.skipped) {
      console.log(`      ${desktop.skipped}`);
      this.skip();
    }
    const report = desktop.outcome!.report;
    const summary = formatReport('desktop VS Code', report);
    console.log(summary);
    assert.ok(!report.runnerError && report.failed === 0 && report.passed > 0, `${summary}\n${desktop.outcome!.diagnostics}`);
  });
});
