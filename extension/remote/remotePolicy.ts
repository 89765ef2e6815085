/**
 * Rules for connecting to a remote app-server (`codex.remoteUrl`), kept free
 * of `vscode` and sockets so they are unit-tested directly.
 */

type RemoteUrlCheck = { ok: true; url: URL } | { ok: false; error: string };

/** Validates the `codex.remoteUrl` setting: a ws:// or wss:// URL with a host. */
export function parseRemoteUrl(raw: string): RemoteUrlCheck {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `"${text}" is not a URL; expected ws://HOST:PORT or wss://HOST:PORT.` };
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return { ok: false, error: `"${text}" uses ${url.protocol.replace(/:$/, '')}://; a remote Codex server is reached over ws:// or wss://.` };
  }
  if (!url.hostname) return { ok: false, error: `"${text}" has no host.` };
  if (url.username || url.password) {
    return { ok: false, error: `"${text}" embeds credentials; store the token with "Codex: Set Remote Server Token" instead.` };
  }
  return { ok: true, url };
}

/** 127.0.0.0/8, ::1 and `localhost`: traffic that never leaves this machine. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * A bearer token may only travel encrypted (wss://) or over plain ws:// to
 * this machine (an SSH port-forward); anything else would expose it.
 */
export function mayCarryToken(url: URL): boolean {
  return url.protocol === 'wss:' || (url.protocol === 'ws:' && isLoopbackHostname(url.hostname));
}

export function tokenRefusalMessage(url: URL): string {
  return (
    `Not sending the remote server token over unencrypted ${url.protocol}// to ${url.hostname}. ` +
    'Use wss://, or forward the port over SSH and connect to ws://127.0.0.1.'
  );
}

/** The Secret Storage key of a remote's token: one token per server origin. */
export function tokenSecretKey(url: URL): string {
  return `codex.remoteToken:${url.protocol}//${url.host}`;
}

