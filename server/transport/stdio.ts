import { createInterface } from 'node:readline';
import type { AppServer } from '../core/appServer';
import { MAX_IN_FLIGHT_REQUESTS_PER_CLIENT } from '../rpc/connection';

/** Newline-delimited JSON on stdin/stdout. Resolves when stdin closes. */
export function serveStdio(server: AppServer): Promise<void> {
  // The same in-flight cap as the socket transports: beyond it requests get -32001 ServerOverloaded.
  const { connection, session } = server.connect(
    (text) => {
      process.stdout.write(text + '\n');
    },
    { maxInFlightRequests: MAX_IN_FLIGHT_REQUESTS_PER_CLIENT },
  );
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => connection.receive(line));
  return new Promise((resolve) => {
    lines.on('close', () => {
      session.close();
      resolve();
    });
  });
}
