import net from 'node:net';
import path from 'node:path';

/** Where the server accepts clients, parsed from `--listen`. */
export type ListenTarget =
  | { kind: 'stdio' }
  | { kind: 'ws'; host: string; port: number }
  | { kind: 'unix'; socketPath: string }
  | { kind: 'off' };

/** The reference's default control socket, used by a bare `unix://`. */
export function defaultControlSocketPath(codexHome: string): string {
  return path.join(codexHome, 'app-server-control', 'app-server-control.sock');
}

export function parseListenUrl(value: string, codexHome: string): ListenTarget {
  const unsupported = () =>
    new Error(`unsupported --listen URL \`${value}\`; expected \`stdio://\`, \`unix://\`, \`unix://PATH\`, \`ws://IP:PORT\`, or \`off\``);
  if (value === 'stdio://' || value === 'stdio') return { kind: 'stdio' };
  if (value === 'off') return { kind: 'off' };
  if (value.startsWith('unix://')) {
    const rest = value.slice('unix://'.length);
    return { kind: 'unix', socketPath: rest ? path.resolve(rest) : defaultControlSocketPath(codexHome) };
  }
  if (value.startsWith('ws://')) {
    // An IP literal and a port, like the reference (no host names: what gets bound must be explicit).
    const match = /^ws:\/\/(\[[0-9a-fA-F:.]+\]|[0-9.]+):(\d{1,5})\/?$/.exec(value);
    if (!match) throw unsupported();
    const host = match[1].replace(/^\[|\]$/g, '');
    const port = Number(match[2]);
    if (net.isIP(host) === 0 || port > 65535) throw unsupported();
    return { kind: 'ws', host, port };
  }
  throw unsupported();
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return net.isIPv4(v4) && v4.startsWith('127.');
}
