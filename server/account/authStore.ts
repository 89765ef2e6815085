/**
 * `$CODEX_HOME/auth.json`: where an API key saved by `account/login/start`
 * (or `codex login --with-api-key`) lives. Same fields as the reference
 * (`auth_mode`, `OPENAI_API_KEY`), written atomically with mode 0600 so the
 * key is never readable by other users, not even for an instant.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const AUTH_FILE = 'auth.json';

export interface StoredAuth {
  auth_mode?: string;
  OPENAI_API_KEY?: string | null;
  /** ChatGPT tokens written by the official server; we only detect their presence. */
  tokens?: unknown;
}

export function authFilePath(codexHome: string): string {
  return path.join(codexHome, AUTH_FILE);
}

/** The parsed auth.json, or undefined when missing or unreadable. */
export function readAuthFile(codexHome: string): StoredAuth | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(authFilePath(codexHome), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as StoredAuth) : undefined;
  } catch {
    return undefined;
  }
}

/** The saved API key, if any. */
export function apiKeyFromAuthFile(codexHome: string): string | undefined {
  const key = readAuthFile(codexHome)?.OPENAI_API_KEY;
  return typeof key === 'string' && key ? key : undefined;
}

/** Saves an API key as the reference does: `{"auth_mode": "apikey", "OPENAI_API_KEY": …}`, mode 0600. */
export function saveApiKey(codexHome: string, apiKey: string): void {
  fs.mkdirSync(codexHome, { recursive: true });
  const target = authFilePath(codexHome);
  const temporary = path.join(codexHome, `.auth.json.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const text = `${JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: apiKey }, null, 2)}\n`;
  try {
    // `wx` + mode: the file is created 0600 and never existed with wider permissions.
    fs.writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, target);
    // A pre-existing auth.json replaced by rename keeps our mode; chmod covers an odd umask.
    fs.chmodSync(target, 0o600);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Removes auth.json; true when there was one. */
export function removeAuthFile(codexHome: string): boolean {
  try {
    fs.unlinkSync(authFilePath(codexHome));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
