import crypto from 'node:crypto';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { ConfigWarning } from '../../protocol/config';

export type Table = Record<string, unknown>;

export const isTable = (v: unknown): v is Table =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** JSON with sorted keys and no spaces: the canonical form the reference hashes. */
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isTable(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:<hex>` of the canonical JSON: layer versions and hook hashes use it, as the reference does. */
export function versionOf(value: unknown): string {
  return `sha256:${crypto.createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

type ParseResult = { ok: true; table: Table } | { ok: false; warning: ConfigWarning };

/** Parses TOML text; an error becomes a `configWarning` naming the file, line and column. */
export function parseTomlText(text: string, file: string): ParseResult {
  try {
    return { ok: true, table: parseToml(text) as Table };
  } catch (error) {
    const line = error instanceof TomlError ? error.line : 1;
    const column = error instanceof TomlError ? error.column : 1;
    const firstLine = (error as Error).message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    return {
      ok: false,
      warning: {
        summary: `Invalid TOML in ${file} at line ${line}, column ${column}: ${firstLine}. This file was skipped.`,
        details: (error as Error).message,
        path: file,
        range: { start: { line, column }, end: { line, column } },
      },
    };
  }
}

export function getPath(table: unknown, keyPath: readonly string[]): unknown {
  let node: unknown = table;
  for (const key of keyPath) {
    if (!isTable(node) || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Splits `a."b.c".d` into its segments (bare, "basic" or 'literal' keys). Throws on bad syntax. */
export function splitKeyPath(text: string): string[] {
  const segments: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '"') {
      let out = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          // Let JSON decode the escape sequence (TOML basic-string escapes are a superset we accept here).
          const m = /^\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/.exec(text.slice(i));
          if (!m) throw new Error(`bad escape in key: ${text}`);
          out += m[1].startsWith('U') ? String.fromCodePoint(parseInt(m[1].slice(1), 16)) : JSON.parse(`"\\${m[1]}"`);
          i += m[0].length;
        } else out += text[i++];
      }
      if (text[i] !== '"') throw new Error(`unterminated quoted key: ${text}`);
      i++;
      segments.push(out);
    } else if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quoted key: ${text}`);
      segments.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
      if (!m) throw new Error(`invalid key: ${text}`);
      segments.push(m[0]);
      i += m[0].length;
    }
    skipSpace();
    if (i >= text.length) return segments;
    if (text[i] !== '.') throw new Error(`invalid key: ${text}`);
    i++;
  }
}

export function formatKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

export function formatKeyPath(keyPath: readonly string[]): string {
  return keyPath.map(formatKey).join('.');
}

/** A JSON value as a TOML inline value. */
export function formatInlineValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(formatInlineValue).join(', ')}]`;
  if (isTable(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${formatKey(k)} = ${formatInlineValue(v)}`).join(', ')} }` : '{}';
  }
  throw new Error(`cannot write ${value === null ? 'null' : typeof value} inside a TOML value`);
}
