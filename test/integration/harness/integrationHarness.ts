/**
 * Host side of the real-VS-Code integration harness (the in-VS-Code side and the conventions
 * for suites are in test/integration/index.ts).
 *
 * - `bundleRunner()` bundles test/integration/index.ts (with mocha) into a throwaway runner
 *   extension, and the suites into one CommonJS file. The runner is packaged as its own .vsix
 *   and never goes into the shipped one.
 * - `runInCodeServer()` installs the Codex .vsix and the runner into a throwaway code-server
 *   profile, opens the window in headless Chromium (the extension host starts with the
 *   window), and waits for the JSON results file.
 * - `runInDesktopVsCode()` runs the same suites in desktop VS Code through
 *   @vscode/test-electron when VSCODE_EXECUTABLE names a binary; otherwise it reports a skip.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import {
  REPO_ROOT,
  createProfile,
  ensureCodeServer,
  installExtension,
  listLogFiles,
  startCodeServer,
  type Profile,
} from '../../../scripts/codeServer';
import type { ItestReport } from '../index';
import { testHome } from '../../helpers/tempDir';
import { openWorkbench } from './browser';

export const INTEGRATION_DIR = path.join(REPO_ROOT, 'test', 'integration');

export interface RunnerBundle {
  /** Folder of the runner extension (package.json + dist/runner.js). */
  extensionDir: string;
  /** The runner extension packaged as a .vsix (for code-server). */
  vsix: string;
  /** The bundled suites, loaded by the runner with mocha. */
  suitesFile: string;
  suiteFiles: string[];
}

export interface HarnessOutcome {
  report: ItestReport;
  /** Logs worth printing when something failed (code-server output, extension-host logs). */
  diagnostics: string;
}

/** Every `test/integration/*.itest.ts`, or the given files. */
export function findSuites(only: string[] = []): string[] {
  if (only.length > 0) {
    return only.map((file) => {
      const absolute = path.resolve(file);
      if (!fs.existsSync(absolute)) throw new Error(`no such integration suite: ${file}`);
      return absolute;
    });
  }
  return fs
    .readdirSync(INTEGRATION_DIR)
    .filter((name) => name.endsWith('.itest.ts'))
    .sort()
    .map((name) => path.join(INTEGRATION_DIR, name));
}

export async function bundleRunner(suiteFiles: string[], outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-itest-'))): Promise<RunnerBundle> {
  if (suiteFiles.length === 0) throw new Error(`no integration suites (*.itest.ts) in ${INTEGRATION_DIR}`);
  const extensionDir = path.join(outDir, 'runner-extension');
  fs.mkdirSync(path.join(extensionDir, 'dist'), { recursive: true });

  await esbuild.build({
    entryPoints: [path.join(INTEGRATION_DIR, 'index.ts')],
    outfile: path.join(extensionDir, 'dist', 'runner.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'error',
    // mocha loads the suites bundle with a runtime require(file), which must stay dynamic.
    logOverride: { 'unsupported-require-call': 'silent' },
  });

  // One entry that imports every suite in order, so mocha sees them as one file.
  const entry = path.join(outDir, 'suites-entry.ts');
  fs.writeFileSync(entry, suiteFiles.map((file) => `import ${JSON.stringify(file)};`).join('\n') + '\n');
  const suitesFile = path.join(outDir, 'suites.js');
  await esbuild.build({
    entryPoints: [entry],
    outfile: suitesFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'node-pty'],
    sourcemap: 'inline',
    logLevel: 'error',
  });

  const manifest = {
    name: 'codex-itest-runner',
    displayName: 'Codex integration-test runner (test only)',
    description: 'Runs the Codex extension integration suites inside VS Code. Never shipped.',
    version: '0.0.1',
    publisher: 'codex-test',
    license: 'Apache-2.0',
    private: true,
    repository: { type: 'git', url: 'https://example.invalid/codex-vscode.git' },
    engines: { vscode: '^1.100.0' },
    main: './dist/runner.js',
    activationEvents: ['onStartupFinished'],
  };
  fs.writeFileSync(path.join(extensionDir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(extensionDir, 'README.md'), '# Codex integration-test runner\n\nTest-only extension.\n');

  const vsix = path.join(outDir, 'codex-itest-runner.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  execFileSync(vsce, ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', vsix], {
    cwd: extensionDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { extensionDir, vsix, suitesFile, suiteFiles };
}

/** A fresh git repository with a couple of files: the folder integration windows open. */
export function createWorkspace(root = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-itest-ws-'))): string {
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'README.md'), '# Sample project\n\nUsed by the Codex integration tests.\n');
  fs.writeFileSync(
    path.join(root, 'src', 'sample.ts'),
    'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport const answer = add(40, 2);\n',
  );
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=Codex Tests', '-c', 'user.email=tests@example.invalid', 'add', '-A');
  git('-c', 'user.name=Codex Tests', '-c', 'user.email=tests@example.invalid', 'commit', '-q', '-m', 'initial');
  return root;
}

export interface CodeServerRunOptions {
  /** The Codex .vsix under test. */
  codexVsix: string;
  bundle: RunnerBundle;
  grep?: string;
  timeoutMs?: number;
}

export async function runInCodeServer(options: CodeServerRunOptions): Promise<HarnessOutcome> {
  const codeServerEntry = await ensureCodeServer();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-itest-run-'));
  const profile = createProfile({}, path.join(root, 'profile'));
  await installExtension(codeServerEntry, profile, options.codexVsix);
  await installExtension(codeServerEntry, profile, options.bundle.vsix);
  const workspace = createWorkspace(path.join(root, 'workspace'));
  const codexHome = path.join(root, 'codex-home');
  fs.mkdirSync(codexHome);
  const resultsFile = path.join(root, 'results.json');

  const server = await startCodeServer(codeServerEntry, {
    profile,
    workspace,
    env: {
      // An empty HOME: commands run as login shells, and the developer's profile must not leak in.
      HOME: testHome(),
      CODEX_HOME: codexHome,
      CODEX_ITEST_RESULTS: resultsFile,
      CODEX_ITEST_SUITES: options.bundle.suitesFile,
      CODEX_ITEST_GREP: options.grep ?? process.env.CODEX_ITEST_GREP ?? '',
    },
  });
  const workbench = await openWorkbench(server.url).catch(async (error) => {
    await server.stop();
    throw error;
  });
  try {
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    const startedAt = Date.now();
    const deadline = startedAt + timeoutMs;
    // The runner extension marks its activation; without it within a minute nothing will come.
    const activationDeadline = startedAt + 60_000;
    while (!fs.existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error(`no integration results after ${timeoutMs / 1000} s\n${diagnostics(profile, server.output())}`);
      if (Date.now() > activationDeadline && !fs.existsSync(`${resultsFile}.started`)) {
        throw new Error(`the test runner extension did not activate within 60 s\n${diagnostics(profile, server.output())}`);
      }
      if (server.process.exitCode !== null) throw new Error(`code-server exited during the run\n${diagnostics(profile, server.output())}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const report = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as ItestReport;
    return { report, diagnostics: diagnostics(profile, server.output()) + `\n--- browser console ---\n${workbench.consoleLines.join('\n')}` };
  } finally {
    await workbench.close();
    await server.stop();
    removeUnlessKept(root);
  }
}

/** Deletes a test's temporary folder unless CODEX_KEEP_TEST_DIRS is set (to inspect it). */
export function removeUnlessKept(dir: string): void {
  if (process.env.CODEX_KEEP_TEST_DIRS) {
    console.log(`      kept ${dir} (CODEX_KEEP_TEST_DIRS)`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** code-server's own output plus the extension-host log, the places a failure explains itself. */
function diagnostics(profile: Profile, codeServerOutput: string): string {
  const parts = [`--- code-server output ---\n${codeServerOutput.trim()}`];
  for (const file of listLogFiles(profile)) {
    if (!/^(exthost|remoteagent)\.log$|codex/i.test(path.basename(file))) continue;
    const text = fs.readFileSync(file, 'utf8').trim();
    if (text) parts.push(`--- ${path.relative(profile.userDataDir, file)} ---\n${text.slice(-20_000)}`);
  }
  return parts.join('\n');
}

export interface DesktopRunOutcome {
  skipped?: string;
  outcome?: HarnessOutcome;
}

/**
 * Runs the suites in desktop VS Code via @vscode/test-electron. VSCODE_EXECUTABLE must name the
 * binary (this machine cannot download one); without it the run is skipped with the reason.
 */
export async function runInDesktopVsCode(bundle: RunnerBundle, grep?: string): Promise<DesktopRunOutcome> {
  const executable = process.env.VSCODE_EXECUTABLE;
  if (!executable) {
    return { skipped: 'desktop VS Code: skipped, VSCODE_EXECUTABLE is not set (no VS Code binary can be downloaded here)' };
  }
  if (!fs.existsSync(executable)) {
    return { skipped: `desktop VS Code: skipped, VSCODE_EXECUTABLE=${executable} does not exist` };
  }
  const { runTests } = await import('@vscode/test-electron');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-itest-desktop-'));
  const workspace = createWorkspace(path.join(root, 'workspace'));
  const codexHome = path.join(root, 'codex-home');
  fs.mkdirSync(codexHome);
  const resultsFile = path.join(root, 'results.json');
  let exitError: unknown;
  try {
    await runTests({
      vscodeExecutablePath: executable,
      // Development mode loads the extension from the repository (its dist/ must be built).
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(bundle.extensionDir, 'dist', 'runner.js'),
      extensionTestsEnv: {
        CODEX_HOME: codexHome,
        CODEX_ITEST_RESULTS: resultsFile,
        CODEX_ITEST_SUITES: bundle.suitesFile,
        CODEX_ITEST_GREP: grep ?? process.env.CODEX_ITEST_GREP ?? '',
      },
      launchArgs: [
        workspace,
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', path.join(root, 'user-data'),
        '--extensions-dir', path.join(root, 'extensions'),
      ],
    });
  } catch (error) {
    exitError = error;
  }
  if (!fs.existsSync(resultsFile)) {
    throw new Error(`desktop VS Code wrote no integration results (${String(exitError ?? 'no error reported')})`);
  }
  const report = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as ItestReport;
  return { outcome: { report, diagnostics: exitError ? String(exitError) : '' } };
}

/** Human-readable lines for a report, one per test. */
export function formatReport(label: string, report: ItestReport): string {
  const lines = [`${label}: VS Code ${report.vscodeVersion} (${report.appHost})`];
  for (const result of report.results) {
    const mark = result.state === 'passed' ? '✓' : result.state === 'failed' ? '✗' : '-';
    lines.push(`  ${mark} ${result.title} (${result.durationMs} ms)`);
    if (result.error) lines.push(result.error.split('\n').map((line) => `      ${line}`).join('\n'));
  }
  if (report.runnerError) lines.push(`  runner error: ${report.runnerError}`);
  lines.push(`  totals: ${report.passed} ✓, ${report.failed} ✗, ${report.pending} pending`);
  return lines.join('\n');
}
