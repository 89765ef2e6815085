/**
 * The token budget of a thread: the model's context window and the point at
 * which the history is compacted automatically.
 */
import type { LoadedThread } from '../thread/loadedThread';

/** Context window assumed when neither config nor the catalog names one (the reference's fallback). */
export const DEFAULT_CONTEXT_WINDOW = 272_000;
/** Share of the window a request may use before auto compaction (as the reference: 90%). */
const AUTO_COMPACT_SHARE = 0.9;
/** Share of the window reported as usable (`modelContextWindow`): the rest is kept for instructions and output. */
const EFFECTIVE_WINDOW_SHARE = 0.95;

/** Known context windows of catalog models; config `model_context_window` overrides. */
const CATALOG_CONTEXT_WINDOWS: Record<string, number> = {
  'gpt-5.1-codex': 272_000,
  'gpt-5.1-codex-max': 272_000,
  'gpt-5.1-codex-mini': 272_000,
  'gpt-5.1': 272_000,
  'gpt-5': 272_000,
  'gpt-5-codex': 272_000,
};

function positive(value: unknown): number | null {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : null;
}

/** The model's full context window in tokens. */
export function rawContextWindow(thread: Pick<LoadedThread, 'config' | 'model'>): number {
  return positive(thread.config.raw.model_context_window) ?? CATALOG_CONTEXT_WINDOWS[thread.model] ?? DEFAULT_CONTEXT_WINDOW;
}

/** `modelContextWindow` of thread/tokenUsage/updated: the usable part of the window. */
export function effectiveContextWindow(thread: Pick<LoadedThread, 'config' | 'model'>): number {
  return Math.floor(rawContextWindow(thread) * EFFECTIVE_WINDOW_SHARE);
}

/**
 * Tokens a request may reach before the history is compacted:
 * `model_auto_compact_token_limit` when set, never more than 90% of the window.
 */
export function autoCompactLimit(thread: Pick<LoadedThread, 'config' | 'model'>): number {
  const share = Math.floor(rawContextWindow(thread) * AUTO_COMPACT_SHARE);
  const configured = positive(thread.config.raw.model_auto_compact_token_limit);
  return configured === null ? share : Math.min(configured, share);
}

/** A rough token count (4 characters a token), used where the provider reports none. */
export function estimateTokens(...parts: unknown[]): number {
  let chars = 0;
  for (const part of parts) chars += typeof part === 'string' ? part.length : JSON.stringify(part ?? '').length;
  return Math.ceil(chars / 4);
}
