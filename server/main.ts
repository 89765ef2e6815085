import { AppServer } from './core/appServer';
import { parseArgs } from './cli';
import { log } from './log';
import { namespaceModules } from './modules';
import { serveStdio } from './transport/stdio';

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`codex app-server: ${(error as Error).message}\n`);
    process.exit(2);
  }

  const server = new AppServer(options.codexHome, options);
  for (const module of namespaceModules) server.use(module);

  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    await server.dispose();
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  process.on('uncaughtException', (error) => log.error('uncaught exception:', error));
  process.on('unhandledRejection', (error) => log.error('unhandled rejection:', error));
  // A closed stdout (client gone) must not crash us with EPIPE.
  process.stdout.on('error', () => void shutdown(0));

  if (options.listen === 'stdio://' || options.listen === 'stdio') {
    log.info(`app-server listening on stdio (CODEX_HOME=${options.codexHome})`);
    await serveStdio(server);
    await shutdown(0);
  } else {
    process.stderr.write(`codex app-server: unsupported --listen ${options.listen}\n`);
    process.exit(2);
  }
}

void main();
