/**
 * Model providers: the built-in `openai`, `ollama` and `lmstudio`, plus any
 * `model_providers.<id>` table from config.toml. A resolved provider carries
 * everything the model client needs (URL, key, wire API, headers, retries).
 */
import { apiKeyFromAuthFile } from '../account/authStore';
import type { EffectiveConfig, ModelProviderConfig, WireApi } from '../config/types';

export interface ResolvedProvider {
  id: string;
  name: string;
  baseUrl: string;
  apiKey: string;
  wireApi: WireApi;
  queryParams: Record<string, string>;
  headers: Record<string, string>;
  requestMaxRetries: number;
  streamMaxRetries: number;
  streamIdleTimeoutMs: number;
}

export class ProviderError extends Error {}

const BUILT_IN: Record<string, ModelProviderConfig> = {
  openai: { name: 'OpenAI', base_url: 'https://api.openai.com/v1', env_key: 'OPENAI_API_KEY', wire_api: 'responses', requires_openai_auth: true },
  ollama: { name: 'Ollama', base_url: 'http://localhost:11434/v1', wire_api: 'responses' },
  lmstudio: { name: 'LM Studio', base_url: 'http://localhost:1234/v1', wire_api: 'responses' },
};
// `oss` is the reference's alias for the local Ollama provider.
BUILT_IN.oss = BUILT_IN.ollama;

const DEFAULT_REQUEST_RETRIES = 4;
const DEFAULT_STREAM_RETRIES = 5;
const MAX_RETRIES = 100;


export function resolveProvider(
  id: string,
  config: EffectiveConfig,
  codexHome: string,
  env: NodeJS.ProcessEnv = process.env,
  /** `requireKey: false` resolves a provider whose key is missing (to list its models before sign-in). */
  options: { requireKey?: boolean } = {},
): ResolvedProvider {
  const requireKey = options.requireKey ?? true;
  const configured = config.model_providers?.[id];
  const builtIn = BUILT_IN[id];
  if (!configured && !builtIn) {
    throw new ProviderError(`Unknown model provider \`${id}\`: add a [model_providers.${id}] table to config.toml`);
  }
  const merged: ModelProviderConfig = { ...builtIn, ...configured };
  // `openai_base_url` points the built-in OpenAI provider at another endpoint (a proxy, a compatible server).
  const openaiBaseUrl = config.raw?.openai_base_url;
  if (id === 'openai' && !configured && typeof openaiBaseUrl === 'string' && openaiBaseUrl) merged.base_url = openaiBaseUrl;
  // Local providers honour CODEX_OSS_BASE_URL / CODEX_OSS_PORT unless config names a URL.
  if (builtIn && !configured?.base_url && (id === 'ollama' || id === 'oss' || id === 'lmstudio')) {
    if (env.CODEX_OSS_BASE_URL) merged.base_url = env.CODEX_OSS_BASE_URL;
    else if (env.CODEX_OSS_PORT) merged.base_url = `http://localhost:${env.CODEX_OSS_PORT}/v1`;
  }
  if (!merged.base_url) throw new ProviderError(`Model provider \`${id}\` has no base_url`);

  let apiKey: string | undefined;
  if (merged.env_key) {
    apiKey = env[merged.env_key];
    if (!apiKey && id === 'openai') apiKey = apiKeyFromAuthFile(codexHome);
    if (!apiKey && requireKey) {
      const hint = merged.env_key_instructions ? ` ${merged.env_key_instructions}` : '';
      throw new ProviderError(`Missing environment variable: \`${merged.env_key}\` (needed by model provider \`${id}\`).${hint}`);
    }
  } else if (id === 'openai') {
    apiKey = apiKeyFromAuthFile(codexHome);
    if (!apiKey && requireKey) throw new ProviderError('No OpenAI API key: set OPENAI_API_KEY or log in with an API key.');
  }

  const headers: Record<string, string> = { ...(merged.http_headers ?? {}) };
  for (const [header, envVar] of Object.entries(merged.env_http_headers ?? {})) {
    const value = env[envVar];
    if (value) headers[header] = value;
  }
  const clamp = (n: number | undefined, fallback: number) => Math.min(MAX_RETRIES, Math.max(0, Math.floor(n ?? fallback)));
  return {
    id,
    name: merged.name ?? id,
    baseUrl: merged.base_url.replace(/\/+$/, ''),
    // Local servers (ollama, lmstudio) accept any key; the SDK insists on one.
    apiKey: apiKey ?? 'not-needed',
    wireApi: merged.wire_api === 'chat' ? 'chat' : 'responses',
    queryParams: { ...(merged.query_params ?? {}) },
    headers,
    requestMaxRetries: clamp(merged.request_max_retries, DEFAULT_REQUEST_RETRIES),
    streamMaxRetries: clamp(merged.stream_max_retries, DEFAULT_STREAM_RETRIES),
    streamIdleTimeoutMs: merged.stream_idle_timeout_ms ?? 300_000,
  };
}
