/**
 * Extension activation time in code-server: each repetition starts a fresh
 * code-server with the packaged .vsix and runs `suites/activation.itest.ts`,
 * whose only step is activating the extension. Prints {"samples": [ms…]}.
 * Expects codex-vscode.vsix (built by the bench before this runs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { VSIX_PATH } from '../scripts/codeServer';
import { bundleRunner, runInCodeServer } from '../test/integration/harness/integrationHarness';

async function main(): Promise<void> {
  if (!fs.existsSync(VSIX_PATH)) throw new Error(`${VSIX_PATH} is missing: run npm run package first`);
  const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 5));
  const bundle = await bundleRunner([path.join(__dirname, 'suites', 'activation.itest.ts')]);
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const { report, diagnostics } = await runInCodeServer({ codexVsix: VSIX_PATH, bundle });
    const result = report.results.find((r) => r.title.includes('activates the Codex extension'));
    if (!result || result.state !== 'passed') {
      throw new Error(`activation run failed: ${result?.error ?? report.runnerError ?? 'no result'}\n${diagnostics.slice(-2000)}`);
    }
    samples.push(result.durationMs);
    process.stderr.write(`activation ${i + 1}/${reps}: ${result.durationMs} ms\n`);
  }
  console.log(JSON.stringify({ samples }));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
