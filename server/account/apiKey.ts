/**
 * What makes a pasted API key acceptable. The reference saves any string, even
 * an empty one, and fails only at the first model request; we refuse what can
 * never be a key, so the user learns at once. The key never appears in a message.
 */
const MAX_KEY_LENGTH = 4096;

/** A plain-language problem with the key, or null when it may be used. */
export function checkApiKey(apiKey: string): string | null {
  const key = apiKey.trim();
  if (!key) return 'The API key is empty: paste an OpenAI API key (it usually starts with "sk-").';
  if (key.length > MAX_KEY_LENGTH) return `The API key is too long (over ${MAX_KEY_LENGTH} characters): paste only the key.`;
  // Spaces, line breaks or control characters mean something else was pasted along with the key.
  if (/[\s\u0000-\u001f\u007f]/.test(key)) return 'The API key contains spaces, line breaks or control characters: paste only the key.';
  return null;
}
