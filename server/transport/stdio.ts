import { createInterface } from 'node:readline';
import type { AppServer } from '../core/appServer';

/** Newline-delimited JSON on stdin/stdout. Resolves when stdin closes. */
export function serveStdio(server: AppServer): Promise<void> {
  const { connection, session } = server.connect((text) => {
    process.stdout.write(text + '\n');
  });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => connection.receive(line));
  return new Promise((resolve) => {
    lines.on('close', () => {
      session.close();
      resolve();
    });
  });
}
