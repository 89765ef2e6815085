/** Params of `fuzzyFileSearch` and its session methods (shapes from the reference schema). */
import { z } from 'zod';

const sessionId = z.string().min(1, 'sessionId must not be empty');

export const FuzzyFileSearchParams = z.object({ query: z.string(), roots: z.array(z.string()), cancellationToken: z.string().nullish() });
export const FuzzyFileSearchSessionStartParams = z.object({ sessionId, roots: z.array(z.string()) });
export const FuzzyFileSearchSessionUpdateParams = z.object({ sessionId, query: z.string() });
export const FuzzyFileSearchSessionStopParams = z.object({ sessionId });

export interface FuzzyFileSearchResult {
  root: string;
  path: string;
  match_type: 'file' | 'directory';
  file_name: string;
  score: number;
  indices: number[] | null;
}

type Empty = Record<string, never>;

export interface FuzzyFileSearchRequests {
  fuzzyFileSearch: { params: typeof FuzzyFileSearchParams; result: { files: FuzzyFileSearchResult[] } };
  'fuzzyFileSearch/sessionStart': { params: typeof FuzzyFileSearchSessionStartParams; result: Empty; experimental: true };
  'fuzzyFileSearch/sessionUpdate': { params: typeof FuzzyFileSearchSessionUpdateParams; result: Empty; experimental: true };
  'fuzzyFileSearch/sessionStop': { params: typeof FuzzyFileSearchSessionStopParams; result: Empty; experimental: true };
}
