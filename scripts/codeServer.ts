/**
 * Runs the packaged extension inside code-server (a real VS Code, 1.100.x, on Node 20).
 * Shared by `npm start`, the end-to-end tests and the integration-test harness.
 *
 * Every run gets a throwaway profile: its own user-data dir, extensions dir and
 * code-server config file, so nothing touches the user's own VS Code or code-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { run } from './run';


export const REPO_ROOT = path.resolve(__dirname, '..');
export const VSIX_PATH = path.join(REPO_ROOT, 'codex-vscode.vsix');

/** User settings that keep a fresh VS Code window free of prompts and distractions. */
const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

/** Installs code-server once (see scripts/install-code-server.sh); returns its entry script. */
export async function ensureCodeServer(): Promise<string> {
  const script = path.join(REPO_ROOT, 'scripts', 'install-code-server.sh');
  const { stdout } = await run('bash', [script]).catch((error: Error) => {
    throw new Error(`installing code-server failed: ${error.message}`);
  });
  const entry = stdout.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(entry)) throw new Error(`install-code-server.sh printed no code-server path (got "${entry}")`);
  return entry;
}

/** Builds the production bundles and the .vsix (`npm run package`). */
export async function buildVsix(): Promise<string> {
  await run('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, env: { npm_config_yes: 'true' } });
  if (!fs.existsSync(VSIX_PATH)) throw new Error(`npm run package did not produce ${VSIX_PATH}`);
  return VSIX_PATH;
}

export interface Profile {
  /** Root of the throwaway profile (holds everything below). */
  root: string;
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
}

/** Creates a throwaway profile with quiet user settings (plus `settings`). */
export function createProfile(settings: Record<string, unknown> = {}, root?: string): Profile {
  const profileRoot = root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'codex-code-server-'));
  const profile: Profile = {
    root: profileRoot,
    userDataDir: path.join(profileRoot, 'user-data'),
    extensionsDir: path.join(profileRoot, 'extensions'),
    configFile: path.join(profileRoot, 'config.yaml'),
  };
  fs.mkdirSync(path.join(profile.userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(profile.extensionsDir, { recursive: true });
  writeUserSettings(profile, settings);
  // code-server writes a default config (with a password) when none exists; give it ours.
  fs.writeFileSync(profile.configFile, 'auth: none\ncert: false\n');
  return profile;
}

export function writeUserSettings(profile: Profile, settings: Record<string, unknown>): void {
  const file = path.join(profile.userDataDir, 'User', 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ ...QUIET_USER_SETTINGS, ...settings }, null, 2));
}

/** `code-server --install-extension FILE` into the profile. */
export async function installExtension(codeServerEntry: string, profile: Profile, vsix: string): Promise<void> {
  const args = [
    codeServerEntry,
    '--config', profile.configFile,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
    '--force',
    '--install-extension', vsix,
  ];
  // On a heavily loaded machine code-server's CLI has been seen to exit 0 after "Installing
  // extensions..." without installing (once in a CI run at load 20); a second attempt is cheap.
  let output = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const { stdout, stderr } = await run(process.execPath, args).catch((error: Error) => {
      throw new Error(`code-server --install-extension ${vsix} failed: ${error.message}`);
    });
    output = `${stdout}\n${stderr}`;
    if (/successfully installed/i.test(output)) return;
  }
  throw new Error(`code-server did not confirm installing ${vsix} (2 attempts):\n${output}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningCodeServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything code-server printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

interface StartOptions {
  profile: Profile;
  /** Folder opened in the window. */
  workspace: string;
  port?: number;
  /** Extra environment for code-server and so for the extension host and our app-server. */
  env?: NodeJS.ProcessEnv;
  /** Print code-server's output as it comes (for `npm start`). */
  echo?: boolean;
}

/** Starts code-server on 127.0.0.1 without auth and waits until it listens. */
export async function startCodeServer(codeServerEntry: string, options: StartOptions): Promise<RunningCodeServer> {
  const port = options.port ?? (await freePort());
  const args = [
    codeServerEntry,
    '--config', options.profile.configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', options.profile.userDataDir,
    '--extensions-dir', options.profile.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    options.workspace,
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping it also stops the extension host and our app-server.
    detached: true,
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    if (options.echo) process.stderr.write(text);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (/HTTP server listening/i.test(output)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (code ${code}, signal ${signal}):\n${output}`));
    });
  });

  return {
    url,
    port,
    process: child,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal);
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  // Leftovers in the group (an extension host still shutting down) get no second chance.
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

/**
 * Server-side log files of a code-server profile (extension host, remote agent…), newest
 * first; VS Code writes them under <user-data-dir>/logs/<session>/.
 */
export function listLogFiles(profile: Profile): string[] {
  const logsDir = path.join(profile.userDataDir, 'logs');
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.log')) found.push(full);
    }
  };
  walk(logsDir);
  return found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}
