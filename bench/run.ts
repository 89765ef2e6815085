/**
 * `npm run bench`: our app-server and the reference `codex app-server`, side
 * by side on the same scripted model, then the extension's own figures.
 * Prints ours / reference / ratio with the median and the spread (min–max)
 * over repetitions, writes bench/results.json and refreshes the README table.
 *
 * Options (environment): BENCH_REPS (default 5), BENCH_ONLY (comma-separated
 * figure keys or group prefixes), BENCH_SKIP_EXTENSION=1, BENCH_NO_README=1.
 * Not a pass/fail test; not part of `npm test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScriptedModel } from '../test/helpers/scriptedModel';
import { REPO_ROOT, type Which } from './lib/client';
import { formatSummary, summarize, type Summary, type Unit } from './lib/stats';
import { machineDescription, NotImplemented, serverGroups, type BenchContext, type BenchResults, type FigureResult, type Outcome } from './figures';
import { extensionFigures } from './extension';
import { historyGroups } from './history';

const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results.json');
const README = path.join(REPO_ROOT, 'README.md');
const README_START = '<!-- bench:table:start -->';
const README_END = '<!-- bench:table:end -->';

function describeFailure(error: unknown): string {
  if (error instanceof NotImplemented) return 'n/a (not implemented)';
  return `error: ${(error as Error).message.split('\n')[0].slice(0, 160)}`;
}

function formatOutcome(outcome: Outcome | undefined, unit: Unit): string {
  if (!outcome) return '—';
  return 'summary' in outcome ? formatSummary(outcome.summary, unit) : outcome.unavailable;
}

function ratioText(result: FigureResult): string {
  if (result.ratio === undefined) return '—';
  const hint = result.better === 'lower' ? (result.ratio < 1 ? 'better' : 'worse') : result.ratio > 1 ? 'better' : 'worse';
  const ratio = result.ratio >= 0.1 ? result.ratio.toFixed(2) : result.ratio.toPrecision(2);
  return `${ratio}× (${Math.abs(result.ratio - 1) < 0.02 ? 'even' : hint})`;
}

function markdownTable(results: BenchResults): string {
  const lines = [
    `Measured ${results.date} on ${results.machine}; reference \`codex app-server\` ${results.referenceVersion}; ` +
      `median (min–max) of ${results.reps} repetitions; ratio = ours / reference.`,
    '',
    '| Figure | Ours | Reference | Ratio |',
    '| --- | --- | --- | --- |',
  ];
  for (const figure of results.figures) {
    lines.push(`| ${figure.label} | ${formatOutcome(figure.ours, figure.unit)} | ${formatOutcome(figure.reference, figure.unit)} | ${ratioText(figure)} |`);
  }
  return lines.join('\n');
}

function selected(key: string): boolean {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  return !only || only.some((prefix) => key.startsWith(prefix));
}

async function main(): Promise<void> {
  const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 5));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-bench-'));
  const context: BenchContext = { model: new ScriptedModel(), reps, scratch };
  const figures: FigureResult[] = [];
  const referenceVersion = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', '@openai', 'codex', 'package.json'), 'utf8')).version;
  console.log(`Benchmarks: ours vs reference codex app-server ${referenceVersion}, ${reps} repetitions\n${machineDescription()}\n`);

  for (const group of [...serverGroups, ...historyGroups]) {
    if (!group.figures.some((f) => selected(f.key))) continue;
    const outcomes: Record<Which, Record<string, Outcome>> = { ours: {}, reference: {} };
    for (const which of ['reference', 'ours'] as Which[]) {
      const started = Date.now();
      // A model of its own per run: replies left queued by a failed run cannot leak into the next.
      context.model = await new ScriptedModel().start();
      try {
        const samples = await group.measure(which, context);
        for (const figure of group.figures) outcomes[which][figure.key] = { summary: summarize(samples[figure.key]) };
      } catch (error) {
        for (const figure of group.figures) outcomes[which][figure.key] = { unavailable: describeFailure(error) };
      } finally {
        await context.model.stop();
      }
      process.stderr.write(`  ${group.figures.map((f) => f.key).join(', ')} [${which}] ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    for (const figure of group.figures) {
      const ours = outcomes.ours[figure.key];
      const reference = outcomes.reference[figure.key];
      const ratio = 'summary' in ours && 'summary' in reference ? ours.summary.median / reference.summary.median : undefined;
      const result: FigureResult = { ...figure, ours, reference, ratio };
      figures.push(result);
      console.log(`${figure.label}\n  ours ${formatOutcome(ours, figure.unit)} | reference ${formatOutcome(reference, figure.unit)} | ${ratioText(result)}`);
    }
  }

  if (process.env.BENCH_SKIP_EXTENSION !== '1') {
    for (const figure of await extensionFigures(reps, selected)) {
      figures.push(figure);
      console.log(`${figure.label}\n  ${formatOutcome(figure.ours, figure.unit)}`);
    }
  }

  const results: BenchResults = { date: new Date().toISOString(), machine: machineDescription(), reps, referenceVersion, figures };
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
  const table = markdownTable(results);
  console.log(`\n${table}\n\nWrote ${path.relative(REPO_ROOT, RESULTS_FILE)}`);
  if (process.env.BENCH_NO_README !== '1') updateReadme(table);
  fs.rmSync(scratch, { recursive: true, force: true });
}

/** Replaces the table between the README markers (the Benchmarks section), leaving the rest untouched. */
function updateReadme(table: string): void {
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    console.log('README has no benchmark markers; table not written there.');
    return;
  }
  fs.writeFileSync(README, `${readme.slice(0, start + README_START.length)}\n${table}\n${readme.slice(end)}`);
  console.log('Updated the Benchmarks table in README.md');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
