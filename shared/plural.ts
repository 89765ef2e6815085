/**
 * Counts shown to the user read right in the singular and the plural
 * ("1 file", "2 files"; "1 hook needs review", "2 hooks need review").
 */

/** `n` and the noun in the form that fits it; the plural defaults to the noun plus "s". */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** The verb form that agrees with `n` things ("needs" for one, "need" for several). */
export function agree(n: number, singular: string, plural: string): string {
  return n === 1 ? singular : plural;
}
