/**
 * Finds OpenAI-compatible model servers on this machine (Ollama on 11434, LM
 * Studio on 1234 by default; `codex.localModelServers` adds others) by asking
 * each for `GET /v1/models` with a short timeout. No `vscode` import.
 */
export interface LocalServer {
  /** Provider id for config.toml: the built-in `ollama`/`lmstudio` at their usual port, else `local`. */
  providerId: string;
  name: string;
  baseUrl: string;
  models: string[];
}

export const DEFAULT_LOCAL_SERVERS = ['http://127.0.0.1:11434/v1', 'http://127.0.0.1:1234/v1'];
const PROBE_TIMEOUT_MS = 1200;

/** Which provider a base URL is: the built-in ids only for their default ports. */
export function describeServer(baseUrl: string): { providerId: string; name: string } {
  let port = '';
  try {
    port = new URL(baseUrl).port;
  } catch {
    /* not a URL: a custom server */
  }
  if (port === '11434') return { providerId: 'ollama', name: 'Ollama' };
  if (port === '1234') return { providerId: 'lmstudio', name: 'LM Studio' };
  return { providerId: 'local', name: `Local model server (${baseUrl})` };
}

/** Only loopback http(s) URLs are probed: this looks for servers on this machine, nothing else. */
export function isLoopbackUrl(baseUrl: string): boolean {
  try {
    const url = new URL(baseUrl);
    return (url.protocol === 'http:' || url.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

async function probe(baseUrl: string): Promise<LocalServer | undefined> {
  try {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    const models = (Array.isArray(body.data) ? body.data : []).map((m) => m?.id).filter((id): id is string => typeof id === 'string' && id.length > 0);
    return { ...describeServer(baseUrl), baseUrl: baseUrl.replace(/\/+$/, ''), models };
  } catch {
    return undefined;
  }
}

/** The servers that answered, in the order given. */
export async function findLocalServers(baseUrls: readonly string[]): Promise<LocalServer[]> {
  const unique = [...new Set(baseUrls.map((u) => u.trim()).filter(isLoopbackUrl))];
  const found = await Promise.all(unique.map(probe));
  return found.filter((s): s is LocalServer => s !== undefined);
}

/** The `config/batchWrite` edits that make new threads use this server and model. */
export function localProviderEdits(server: LocalServer, model: string): { keyPath: string; value: unknown; mergeStrategy: 'replace' | 'upsert' }[] {
  const edits: { keyPath: string; value: unknown; mergeStrategy: 'replace' | 'upsert' }[] = [
    { keyPath: 'model_provider', value: server.providerId, mergeStrategy: 'replace' },
    { keyPath: 'model', value: model, mergeStrategy: 'replace' },
  ];
  // The built-in ids already know their URL (the reference refuses to redefine them).
  if (server.providerId === 'local') {
    edits.push({ keyPath: 'model_providers.local', value: { name: 'Local model server', base_url: server.baseUrl, wire_api: 'responses' }, mergeStrategy: 'replace' });
  }
  return edits;
}
