/** What the chat says about the server connection (banner text, restart delays). */
import type { ConnectionState } from '../services';

/** The banner text for a connection state; none while connected. */
export function connectionMessage(state: ConnectionState, lastExit: string | undefined, remoteServer: boolean): string | undefined {
  switch (state) {
    case 'connected':
      return undefined;
    case 'starting':
      return 'Starting the Codex server…';
    case 'disconnected':
      return `The Codex server ${lastExit ?? 'stopped'}. ${remoteServer ? 'Reconnecting…' : 'Restarting…'}`;
    case 'stopped':
      return lastExit ? `The Codex server ${lastExit}.` : 'The Codex server is not running.';
  }
}

export function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
