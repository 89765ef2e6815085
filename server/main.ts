import { AppServer } from './core/appServer';
import { parseArgs, type ServerOptions } from './cli';
import type { WebSocketAuthPolicy } from './auth/wsAuth';
import { isLoopbackHost, parseListenUrl, type ListenTarget } from './transport/listenUrl';
import type { SocketListener } from './transport/websocket';
import { log } from './log';
import { initializeModule } from './initialize';
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
  // Cold start: `initialize` is served at once; the other namespaces (and the libraries they
  // bring: zod schemas, the OpenAI SDK, config and thread stores) are evaluated right after.
  server.use(initializeModule);
  const modulesLoaded = server.loadLater(async () => {
    const { namespaceModules } = await import('./modules');
    return namespaceModules.filter((module) => module !== initializeModule);
  });
  modulesLoaded.catch((error) => {
    log.error('cannot start the app-server:', error);
    process.exit(1);
  });

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
    await server.loaded();
    await shutdown(0);
  } else {
    await serveSocketTransport(server, options);
  }
}

/** `--listen ws://…`, `unix://…` or `off`: validates the auth flags, listens, and stays up until a signal. */
async function serveSocketTransport(server: AppServer, options: ServerOptions): Promise<void> {
  // Loaded only here: ws, jose and node:http cost the stdio server's cold start time it never needs.
  const [{ authPolicyFromFlags }, { serveWebSocket }] = await Promise.all([import('./auth/wsAuth'), import('./transport/websocket')]);
  let target: ListenTarget;
  let auth: WebSocketAuthPolicy;
  try {
    target = parseListenUrl(options.listen, options.codexHome);
    auth = authPolicyFromFlags(options.flags);
  } catch (error) {
    process.stderr.write(`codex app-server: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (target.kind === 'off' || target.kind === 'stdio') {
    // We have no outbound (remote-control) connection, so `off` leaves nothing to serve, as in the reference.
    process.stderr.write('codex app-server: no transport configured; use --listen\n');
    process.exit(1);
  }
  if (target.kind === 'ws' && auth.mode === 'none' && !isLoopbackHost(target.host)) {
    log.warn(
      `WARNING: websocket listener on non-loopback address ${target.host} has no authentication; ` +
        'anyone who can reach it can drive Codex. Configure `--ws-auth capability-token` or `--ws-auth signed-bearer-token`.',
    );
  }
  let listener: SocketListener;
  try {
    await server.loaded();
    listener = await serveWebSocket(server, target, auth);
  } catch (error) {
    process.stderr.write(`codex app-server: cannot listen on ${options.listen}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  server.onDispose(() => listener.close());
  const http = listener.url.replace(/^ws:/, 'http:');
  process.stderr.write(
    `codex app-server (WebSockets)\n  listening on: ${listener.url}\n` +
      (target.kind === 'ws' ? `  readyz: ${http}/readyz\n  healthz: ${http}/healthz\n` : '') +
      `  auth: ${auth.mode}\n`,
  );
  // The open listener keeps the process alive until SIGTERM/SIGINT run `shutdown`.
}

void main();
