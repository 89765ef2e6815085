/**
 * The MCP fixture server (fixtureServer.mjs, built with the SDK) as config.toml
 * entries: stdio (the app-server spawns it) or Streamable HTTP on 127.0.0.1
 * (the test starts it and stops it afterwards).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const FIXTURE_SERVER = path.join(__dirname, 'fixtureServer.mjs');

/** On a busy machine node needs seconds to load the SDK: tests allow a minute unless they test the timeout. */
const startupTimeout = (extra: string[]) => (extra.some((line) => line.startsWith('startup_timeout_sec')) ? [] : ['startup_timeout_sec = 60']);

/** A `[mcp_servers.<name>]` entry for the stdio fixture; `extra` lines go into the table. */
export function stdioServerToml(name: string, options: { env?: Record<string, string>; extra?: string[] } = {}): string {
  const env = options.env && Object.keys(options.env).length ? [`env = { ${Object.entries(options.env).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')} }`] : [];
  const extra = options.extra ?? [];
  return [`[mcp_servers.${name}]`, `command = ${JSON.stringify(process.execPath)}`, `args = [${JSON.stringify(FIXTURE_SERVER)}]`, ...env, ...extra, ...startupTimeout(extra), ''].join('\n');
}

export function httpServerToml(name: string, url: string, extra: string[] = []): string {
  return [`[mcp_servers.${name}]`, `url = ${JSON.stringify(url)}`, ...extra, ...startupTimeout(extra), ''].join('\n');
}

export interface HttpFixture {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the fixture as a Streamable HTTP server on 127.0.0.1 (random port). */
export async function startHttpFixture(env: Record<string, string> = {}): Promise<HttpFixture> {
  const child = spawn(process.execPath, [FIXTURE_SERVER, '--http'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^listening (\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`HTTP fixture exited with ${code}`)));
    setTimeout(() => reject(new Error('HTTP fixture did not start in 15 s')), 15000).unref();
  });
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Pids the fixture wrote to MCP_FIXTURE_PID_FILE that are still running. */
export function livePids(pidFile: string): number[] {
  if (!fs.existsSync(pidFile)) return [];
  return fs
    .readFileSync(pidFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
}
