/**
 * The search itself: walks each root (cached briefly, so typing in the `@`
 * list does not walk the tree on every keystroke), scores every entry and
 * keeps the best 50, highest score first and by path on ties.
 */
import path from 'node:path';
import type { FuzzyFileSearchResult } from '../../protocol/fuzzyFileSearch';
import { isSubsequence, scorePath } from './score';
import { walkRoot } from './walk';

const MAX_RESULTS = 50;
/** A listing older than this is walked again after the answer (the answer uses the one in hand). */
const REFRESH_AFTER_MS = 3000;
/** A listing older than this is not used at all: the search walks first. */
const DISCARD_AFTER_MS = 60_000;


/** A listed entry with what every query needs precomputed. */
interface Candidate {
  path: string;
  lower: string;
  nameStart: number;
  isDirectory: boolean;
}

const listings = new Map<string, { at: number; entries: Candidate[]; refreshing?: boolean }>();

function walkInto(root: string): Candidate[] {
  const entries = walkRoot(root).map((entry) => ({ ...entry, lower: entry.path.toLowerCase(), nameStart: entry.path.lastIndexOf('/') + 1 }));
  listings.set(root, { at: Date.now(), entries });
  return entries;
}

/**
 * The root's entries. Typing in the `@` list sends a query per keystroke: a
 * recent listing answers at once, and one a few seconds old is walked again
 * right after this answer, so new files show up on the next keystroke.
 */
function listingOf(root: string): Candidate[] {
  const cached = listings.get(root);
  const age = cached ? Date.now() - cached.at : Infinity;
  if (!cached || age > DISCARD_AFTER_MS) return walkInto(root);
  if (age > REFRESH_AFTER_MS && !cached.refreshing) {
    cached.refreshing = true;
    setImmediate(() => walkInto(root));
  }
  return cached.entries;
}

export function fuzzyFileSearch(query: string, roots: string[]): FuzzyFileSearchResult[] {
  const queryLower = query.toLowerCase();
  if (!queryLower) return [];
  // A file whose name matches outranks every path-only match (a +65536 tier), and only an
  // exact directory path can climb above that: with enough name matches the rest is skipped.
  const listed = roots.map((root) => ({ root, entries: listingOf(path.resolve(root)) }));
  let nameMatches = 0;
  for (const { entries } of listed) {
    for (const entry of entries) if (!entry.isDirectory && isSubsequence(queryLower, entry.lower, entry.nameStart)) nameMatches++;
  }
  const skipPathOnly = nameMatches >= MAX_RESULTS;
  const results: FuzzyFileSearchResult[] = [];
  for (const { root, entries } of listed) {
    for (const entry of entries) {
      if (skipPathOnly && (entry.isDirectory ? entry.lower !== queryLower : !isSubsequence(queryLower, entry.lower, entry.nameStart))) continue;
      const match = scorePath(queryLower, entry.path, entry.isDirectory, entry.lower, entry.nameStart);
      if (!match) continue;
      results.push({
        root,
        path: entry.path,
        match_type: entry.isDirectory ? 'directory' : 'file',
        file_name: entry.path.slice(entry.path.lastIndexOf('/') + 1),
        score: match.score,
        indices: match.indices,
      });
    }
  }
  results.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return results.slice(0, MAX_RESULTS);
}
