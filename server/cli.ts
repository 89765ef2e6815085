import os from 'node:os';
import path from 'node:path';

export interface ServerOptions {
  /** `stdio://`, `ws://IP:PORT`, `unix://`, `unix://PATH` or `off`. */
  listen: string;
  /** `-c key=value` overrides, raw; the config module parses the values as TOML. */
  configOverrides: string[];
  codexHome: string;
  /** Everything else (auth flags for the socket transports, …), by flag name. */
  flags: Map<string, string>;
}

function resolveCodexHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.CODEX_HOME && env.CODEX_HOME.trim() ? env.CODEX_HOME : path.join(os.homedir(), '.codex'));
}

/** Parses argv (without node and script). Accepts `--flag value` and `--flag=value`. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const options: ServerOptions = { listen: 'stdio://', configOverrides: [], codexHome: resolveCodexHome(env), flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === 'app-server') continue; // tolerate `server.js app-server …` like the codex CLI
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const value = argv[++i];
      if (value === undefined) throw new Error(`${name} needs a value`);
      return value;
    };
    if (name === '--listen') options.listen = takeValue();
    else if (name === '-c' || name === '--config') options.configOverrides.push(takeValue());
    else if (name.startsWith('--')) options.flags.set(name.slice(2), takeValue());
    else throw new Error(`unexpected argument: ${arg}`);
  }
  return options;
}
