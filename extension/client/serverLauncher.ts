/**
 * Builds the default transport factory from the settings: the bundled
 * `node dist/server.js`, or `codex.serverPath` + `codex.serverArgs` (for
 * example the real `codex app-server`), with `codex.serverEnv` added.
 */
import path from 'node:path';
import { ProcessTransport } from './processTransport';
import type { TransportFactory } from './transport';

interface ServerLaunchSettings {
  serverPath: string;
  serverArgs: string[];
  serverEnv: Record<string, string>;
}

interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export function serverCommand(extensionPath: string, settings: ServerLaunchSettings, nodePath = process.execPath): ServerCommand {
  const env = Object.fromEntries(Object.entries(settings.serverEnv ?? {}).filter(([, value]) => typeof value === 'string'));
  if (settings.serverPath.trim()) {
    return { command: settings.serverPath.trim(), args: settings.serverArgs ?? [], env };
  }
  // Inside VS Code, process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it behave as plain Node.
  return { command: nodePath, args: [path.join(extensionPath, 'dist', 'server.js')], env: { ELECTRON_RUN_AS_NODE: '1', ...env } };
}

export function processTransportFactory(
  resolve: () => { command: ServerCommand; cwd: string | undefined },
  onStderrLine: (line: string) => void,
): TransportFactory {
  return async () => {
    const { command, cwd } = resolve();
    return ProcessTransport.start({ command: command.command, args: command.args, env: command.env, cwd, onStderrLine });
  };
}
