/**
 * Authentication of WebSocket clients, enforced during the HTTP Upgrade
 * handshake (before any JSON-RPC, so before `initialize`). Two modes, with the
 * reference app-server's flag names and refusal messages:
 *
 * - `capability-token`: a shared opaque token, from `--ws-token-file` or as
 *   `--ws-token-sha256`. Only its SHA-256 is kept; comparison is constant-time.
 * - `signed-bearer-token`: an HS256 JWT signed with `--ws-shared-secret-file`
 *   (≥ 32 bytes). `exp` is required; `nbf`, `iss`, `aud` are checked.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errors as joseErrors, jwtVerify } from 'jose';

export type WebSocketAuthPolicy =
  | { mode: 'none' }
  | { mode: 'capability-token'; tokenSha256: Buffer }
  | {
      mode: 'signed-bearer-token';
      secret: Uint8Array;
      issuer?: string;
      audience?: string;
      maxClockSkewSeconds: number;
    };

type AuthDecision = { ok: true } | { ok: false; status: 401; message: string };

/** HMAC keys shorter than this are guessable; the reference refuses them at startup. */
const MIN_SHARED_SECRET_BYTES = 32;
/** Clock skew tolerated when no `--ws-max-clock-skew-seconds` is given. */
const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 30;

const AUTH_FLAGS = ['ws-token-file', 'ws-token-sha256', 'ws-shared-secret-file', 'ws-issuer', 'ws-audience', 'ws-max-clock-skew-seconds'];

/** An invalid auth configuration: the server must not start. */
export class AuthConfigError extends Error {}

/**
 * Builds the policy from the command-line flags (by name, without `--`).
 * Relative file paths resolve against `cwd`. Throws AuthConfigError with the
 * reason when the flags are inconsistent or a secret is unusable.
 */
export function authPolicyFromFlags(flags: ReadonlyMap<string, string>, cwd = process.cwd()): WebSocketAuthPolicy {
  const mode = flags.get('ws-auth');
  const readSecretFile = (flag: string): string => {
    const file = path.resolve(cwd, flags.get(flag)!);
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new AuthConfigError(`failed to read websocket auth secret ${file}: ${(error as Error).message}`);
    }
  };

  if (mode === undefined) {
    const stray = AUTH_FLAGS.find((flag) => flags.has(flag));
    if (stray) throw new AuthConfigError('websocket auth flags require `--ws-auth capability-token` or `--ws-auth signed-bearer-token`');
    return { mode: 'none' };
  }

  if (mode === 'capability-token') {
    const jwtOnly = ['ws-shared-secret-file', 'ws-issuer', 'ws-audience', 'ws-max-clock-skew-seconds'].find((flag) => flags.has(flag));
    if (jwtOnly) throw new AuthConfigError(`\`--${jwtOnly}\` only applies to \`--ws-auth signed-bearer-token\``);
    if (flags.has('ws-token-file') && flags.has('ws-token-sha256')) {
      throw new AuthConfigError('use either `--ws-token-file` or `--ws-token-sha256`, not both');
    }
    if (flags.has('ws-token-file')) {
      const token = readSecretFile('ws-token-file');
      if (!token) throw new AuthConfigError(`websocket token file ${flags.get('ws-token-file')} is empty`);
      return { mode, tokenSha256: sha256(token) };
    }
    const hex = flags.get('ws-token-sha256');
    if (hex === undefined) {
      throw new AuthConfigError('`--ws-token-file` or `--ws-token-sha256` is required when `--ws-auth capability-token` is set');
    }
    if (!/^[0-9a-fA-F]{64}$/.test(hex.trim())) throw new AuthConfigError('`--ws-token-sha256` must be 64 hexadecimal characters');
    return { mode, tokenSha256: Buffer.from(hex.trim(), 'hex') };
  }

  if (mode === 'signed-bearer-token') {
    const tokenOnly = ['ws-token-file', 'ws-token-sha256'].find((flag) => flags.has(flag));
    if (tokenOnly) throw new AuthConfigError(`\`--${tokenOnly}\` only applies to \`--ws-auth capability-token\``);
    if (!flags.has('ws-shared-secret-file')) {
      throw new AuthConfigError('`--ws-shared-secret-file` is required when `--ws-auth signed-bearer-token` is set');
    }
    const secret = new TextEncoder().encode(readSecretFile('ws-shared-secret-file'));
    if (secret.byteLength < MIN_SHARED_SECRET_BYTES) {
      throw new AuthConfigError(
        `signed websocket bearer secret ${flags.get('ws-shared-secret-file')} must be at least ${MIN_SHARED_SECRET_BYTES} bytes`,
      );
    }
    let maxClockSkewSeconds = DEFAULT_MAX_CLOCK_SKEW_SECONDS;
    const skew = flags.get('ws-max-clock-skew-seconds');
    if (skew !== undefined) {
      if (!/^\d+$/.test(skew.trim())) throw new AuthConfigError('`--ws-max-clock-skew-seconds` must be a non-negative integer');
      maxClockSkewSeconds = Number(skew.trim());
    }
    return { mode, secret, issuer: flags.get('ws-issuer'), audience: flags.get('ws-audience'), maxClockSkewSeconds };
  }

  throw new AuthConfigError(`invalid value '${mode}' for '--ws-auth': expected capability-token or signed-bearer-token`);
}

/** The bearer token of an `Authorization: Bearer …` header, if any. */
function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^\s*Bearer\s+(.+?)\s*$/i.exec(authorization);
  return match ? match[1] : undefined;
}

/** Decides whether an upgrade request carrying `authorization` may connect. */
export async function authorizeHandshake(policy: WebSocketAuthPolicy, authorization: string | undefined): Promise<AuthDecision> {
  if (policy.mode === 'none') return { ok: true };
  const token = bearerToken(authorization);
  if (token === undefined) return refuse('missing websocket bearer token');

  if (policy.mode === 'capability-token') {
    // Both sides are fixed-length digests, so timingSafeEqual never throws and leaks nothing.
    return crypto.timingSafeEqual(sha256(token), policy.tokenSha256) ? { ok: true } : refuse('invalid websocket bearer token');
  }

  try {
    await jwtVerify(token, policy.secret, {
      algorithms: ['HS256'],
      issuer: policy.issuer,
      audience: policy.audience,
      clockTolerance: policy.maxClockSkewSeconds,
      requiredClaims: ['exp'],
    });
    return { ok: true };
  } catch (error) {
    return refuse(jwtRefusal(error));
  }
}

function jwtRefusal(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired websocket jwt';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'websocket jwt is not valid yet';
    if (error.claim === 'aud') return 'websocket jwt audience mismatch';
    if (error.claim === 'iss') return 'websocket jwt issuer mismatch';
  }
  return 'invalid websocket jwt';
}

function refuse(message: string): AuthDecision {
  return { ok: false, status: 401, message };
}

function sha256(text: string): Buffer {
  return crypto.createHash('sha256').update(text, 'utf8').digest();
}
