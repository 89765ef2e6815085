/**
 * Subsequence fuzzy matching for `@` mentions: every query character must
 * appear in order. Higher scores for matches in the file name, at word
 * starts, and in runs. Returns null when the query does not match.
 */
export function fuzzyScore(query: string, candidate: string): number | null {
  const q = query.toLowerCase();
  const c = candidate.toLowerCase();
  const nameStart = Math.max(c.lastIndexOf('/'), c.lastIndexOf('\\')) + 1;
  let score = 0;
  let position = 0;
  let previous = -2;
  for (const char of q) {
    const found = c.indexOf(char, position);
    if (found < 0) return null;
    score += 1;
    if (found === previous + 1) score += 3;
    if (found >= nameStart) score += 2;
    const before = c[found - 1];
    if (found === 0 || before === '/' || before === '\\' || before === '.' || before === '-' || before === '_') score += 4;
    previous = found;
    position = found + 1;
  }
  // Prefer exact substring hits and shorter paths.
  if (c.includes(q)) score += 5 + (c.slice(nameStart).includes(q) ? 5 : 0);
  return score - candidate.length * 0.01;
}
