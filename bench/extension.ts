/**
 * The extension's own figures (no reference counterpart): the packaged .vsix
 * size, the webview render of a 5,000-item thread (measured by the chat's
 * `bench/webview*` script when present) and activation time in code-server
 * (`bench/activation.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildVsix } from '../scripts/codeServer';
import { run } from '../scripts/run';
import { REPO_ROOT } from './lib/client';
import { summarize } from './lib/stats';
import type { FigureResult } from './figures';


async function vsixSize(): Promise<FigureResult> {
  const figure = { key: 'vsixSizeMb', label: 'Packaged .vsix size', unit: 'MB' as const, better: 'lower' as const };
  try {
    const vsix = await buildVsix();
    const size = fs.statSync(vsix).size / (1024 * 1024);
    return { ...figure, ours: { summary: summarize([size]) } };
  } catch (error) {
    return { ...figure, ours: { unavailable: `error: ${(error as Error).message.split('\n')[0]}` } };
  } finally {
    // `npm run package` leaves minified bundles without source maps; restore the development build.
    await run(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT }).catch(() => undefined);
  }
}

/**
 * Runs a measurement script owned by another part of the project. Contract:
 * it honours BENCH_REPS and prints, as its last JSON line, an object with
 * `samples` (numbers, in the figure's unit).
 */
async function scriptFigure(
  figure: Omit<FigureResult, 'ours'>,
  pattern: RegExp,
  reps: number,
  missing: string,
): Promise<FigureResult> {
  const benchDir = path.join(REPO_ROOT, 'bench');
  const script = fs.readdirSync(benchDir).find((name) => pattern.test(name));
  if (!script) return { ...figure, ours: { unavailable: missing } };
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(benchDir, script)], {
      cwd: REPO_ROOT,
      env: { BENCH_REPS: String(reps) },
      timeout: 15 * 60_000,
    });
    const json = stdout
      .trim()
      .split('\n')
      .reverse()
      .find((line) => line.trim().startsWith('{'));
    const samples: unknown = json ? JSON.parse(json).samples : undefined;
    if (!Array.isArray(samples) || samples.length === 0 || !samples.every((n) => typeof n === 'number')) {
      throw new Error(`${script} printed no {"samples": [...]} line`);
    }
    return { ...figure, ours: { summary: summarize(samples as number[]) } };
  } catch (error) {
    return { ...figure, ours: { unavailable: `error: ${(error as Error).message.split('\n')[0].slice(0, 160)}` } };
  }
}

export async function extensionFigures(reps: number, selected: (key: string) => boolean): Promise<FigureResult[]> {
  const results: FigureResult[] = [];
  if (selected('webviewRenderMs')) {
    results.push(
      await scriptFigure(
        { key: 'webviewRenderMs', label: 'Webview render of a 5,000-item thread', unit: 'ms', better: 'lower' },
        /^webview.*\.ts$/,
        reps,
        'n/a (bench/webview* not present)',
      ),
    );
  }
  // The .vsix first: the activation run installs it.
  if (selected('vsixSizeMb') || selected('activationMs')) {
    const size = await vsixSize();
    if (selected('vsixSizeMb')) results.push(size);
  }
  if (selected('activationMs')) {
    results.push(
      await scriptFigure(
        { key: 'activationMs', label: 'Extension activation (code-server)', unit: 'ms', better: 'lower' },
        /^activation\.ts$/,
        reps,
        'n/a (bench/activation.ts not present)',
      ),
    );
  }
  return results;
}
