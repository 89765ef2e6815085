/**
 * The models a provider says it has (`GET {base_url}/models`, the OpenAI
 * format that Ollama, LM Studio and other compatible servers speak). A short
 * timeout keeps `model/list` quick when the server is down; the last good
 * answer is kept as the fallback, and reused without asking for a few seconds.
 */
import { log } from '../log';

export interface ProviderEndpoint {
  baseUrl: string;
  /** Sent as a bearer token when the provider has one. */
  apiKey?: string;
  headers?: Record<string, string>;
  queryParams?: Record<string, string>;
}

export const PROVIDER_MODELS_TIMEOUT_MS = 1500;
const FRESH_MS = 5000;
const MAX_MODELS = 200;

interface CacheEntry {
  models: string[];
  at: number;
}

const cache = new Map<string, CacheEntry>();

function modelsUrl(endpoint: ProviderEndpoint): string {
  const url = new URL(`${endpoint.baseUrl.replace(/\/+$/, '')}/models`);
  for (const [key, value] of Object.entries(endpoint.queryParams ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

/** Model ids from an OpenAI-style `{data: [{id}]}` body (Ollama's native `{models: [{name}]}` too). */
export function parseModelIds(body: unknown): string[] {
  const ids: string[] = [];
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  for (const entry of [...(Array.isArray(record.data) ? record.data : []), ...(Array.isArray(record.models) ? record.models : [])]) {
    const id = entry && typeof entry === 'object' ? ((entry as { id?: unknown; name?: unknown }).id ?? (entry as { name?: unknown }).name) : undefined;
    if (typeof id === 'string' && id.trim() && !ids.includes(id)) ids.push(id);
  }
  return ids.slice(0, MAX_MODELS);
}

/**
 * The provider's model ids: fresh from its endpoint, or the cached list when it does not answer
 * in time, or [] when it never answered. Never throws.
 */
export async function fetchProviderModels(endpoint: ProviderEndpoint, timeoutMs = PROVIDER_MODELS_TIMEOUT_MS): Promise<string[]> {
  let url: string;
  try {
    url = modelsUrl(endpoint);
  } catch {
    return [];
  }
  const cached = cache.get(url);
  if (cached && Date.now() - cached.at < FRESH_MS) return cached.models;
  try {
    const headers: Record<string, string> = { accept: 'application/json', ...(endpoint.headers ?? {}) };
    if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const models = parseModelIds(await response.json());
    cache.set(url, { models, at: Date.now() });
    return models;
  } catch (error) {
    // The URL carries no secret (keys go in headers), so it may be logged.
    log.debug(`listing models at ${url} failed: ${(error as Error).message}`);
    return cached?.models ?? [];
  }
}
