/**
 * `npm run test:integration [-- suite.itest.ts ...]`: runs the integration suites in
 * code-server, then in desktop VS Code when VSCODE_EXECUTABLE is set. Exits non-zero when a
 * test fails. Expects `npm run package` to have built codex-vscode.vsix.
 */
import fs from 'node:fs';
import { VSIX_PATH } from '../../../scripts/codeServer';
import { bundleRunner, findSuites, formatReport, runInCodeServer, runInDesktopVsCode } from './integrationHarness';

async function main(): Promise<number> {
  if (!fs.existsSync(VSIX_PATH)) throw new Error(`${VSIX_PATH} is missing: run npm run package first`);
  const bundle = await bundleRunner(findSuites(process.argv.slice(2)));
  let passed = 0;
  let failed = 0;

  const codeServer = await runInCodeServer({ codexVsix: VSIX_PATH, bundle });
  console.log(formatReport('code-server', codeServer.report));
  passed += codeServer.report.passed;
  failed += codeServer.report.failed + (codeServer.report.runnerError ? 1 : 0);
  if (codeServer.report.failed > 0 || codeServer.report.runnerError) console.log(codeServer.diagnostics);

  const desktop = await runInDesktopVsCode(bundle);
  if (desktop.skipped) console.log(desktop.skipped);
  if (desktop.outcome) {
    console.log(formatReport('desktop VS Code', desktop.outcome.report));
    passed += desktop.outcome.report.passed;
    failed += desktop.outcome.report.failed + (desktop.outcome.report.runnerError ? 1 : 0);
    if (desktop.outcome.diagnostics) console.log(desktop.outcome.diagnostics);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
