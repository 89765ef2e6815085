/**
 * Keeps the head and the tail of long tool output with a marker in between,
 * so the model sees how a command started and how it ended. Budgets are in
 * tokens, estimated at four bytes per token like the reference.
 */
const BYTES_PER_TOKEN = 4;
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000;

export const approxTokenCount = (text: string): number => Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);

export function truncateMiddle(text: string, maxTokens: number = DEFAULT_MAX_OUTPUT_TOKENS): string {
  const maxBytes = Math.max(0, Math.floor(maxTokens)) * BYTES_PER_TOKEN;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const headBytes = Math.floor(maxBytes / 2);
  const tailBytes = maxBytes - headBytes;
  const head = safeSlice(bytes, 0, headBytes);
  const tail = safeSlice(bytes, bytes.length - tailBytes, bytes.length);
  const removedTokens = approxTokenCount(text) - approxTokenCount(head) - approxTokenCount(tail);
  return `${head}…${removedTokens} tokens truncated…${tail}`;
}

/** Decodes a byte range without splitting a UTF-8 character (partial ones are dropped). */
function safeSlice(bytes: Buffer, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s < e && (bytes[s] & 0xc0) === 0x80) s++;
  if (e < bytes.length) while (e > s && (bytes[e] & 0xc0) === 0x80) e--;
  return bytes.subarray(s, e).toString('utf8');
}
