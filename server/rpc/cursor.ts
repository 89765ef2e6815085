import { invalidParams } from './errors';

/** Opaque pagination cursors: base64url JSON, checked when decoded. */
export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, isValid: (value: any) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isValid(value)) throw invalidParams(`Invalid params: cursor: not a cursor this server returned: ${JSON.stringify(cursor)}`);
  return value;
}
