import type { NamespaceModule } from '../core/appServer';
import { loadEffectiveConfig } from '../config/loader';
import type { EffectiveConfig } from '../config/types';
import { invalidRequest } from '../rpc/errors';
import { ModelListParams, type Model, type ModelListResponse } from '../../protocol/model';
import { decodeCursor, encodeCursor } from '../rpc/cursor';
import { selectedProviderId } from '../account/providerAuth';
import { ProviderError, resolveProvider } from '../providers/registry';
import { fetchProviderModels } from './providerModels';
import { BUILT_IN_MODELS, DEFAULT_MODEL, configuredModel, type CatalogModel } from './catalog';

/**
 * The models a client can pick: the model config.toml selects (and any
 * profile's model) first when the catalog lacks it, then the built-in catalog.
 * The configured model is the default.
 */
export function listModels(config: EffectiveConfig, includeHidden: boolean, fromProvider: { ids: string[]; providerName: string } = { ids: [], providerName: '' }): Model[] {
  const defaultModel = config.model ?? DEFAULT_MODEL;
  const effort = typeof config.model_reasoning_effort === 'string' ? config.model_reasoning_effort : undefined;
  const entries: CatalogModel[] = [];
  const add = (entry: CatalogModel) => {
    if (!entries.some((existing) => existing.id === entry.id)) entries.push(entry);
  };
  const known = (name: string) => BUILT_IN_MODELS.some((m) => m.id === name);
  if (!known(defaultModel)) add(configuredModel(defaultModel, effort));
  // What the provider's server has installed (a local Ollama or LM Studio), before the catalog.
  for (const id of fromProvider.ids) {
    if (!known(id)) add({ ...configuredModel(id, undefined), description: `Available from ${fromProvider.providerName}` });
  }
  for (const profile of Object.values(config.profiles ?? {})) {
    const model = profile?.model;
    if (typeof model === 'string' && !known(model)) add(configuredModel(model, undefined));
  }
  for (const model of BUILT_IN_MODELS) add(model);
  return entries
    .filter((entry) => includeHidden || !entry.hidden || entry.id === defaultModel)
    .map((entry) => ({
      id: entry.id,
      model: entry.model,
      upgrade: null,
      upgradeInfo: null,
      availabilityNux: null,
      displayName: entry.displayName,
      description: entry.description,
      modelSpecialty: null,
      hidden: entry.hidden,
      supportedReasoningEfforts: entry.supportedReasoningEfforts,
      defaultReasoningEffort: entry.id === defaultModel && effort ? effort : entry.defaultReasoningEffort,
      inputModalities: entry.inputModalities,
      supportsPersonality: false,
      multiAgentVersion: null,
      additionalSpeedTiers: [],
      serviceTiers: [],
      defaultServiceTier: null,
      availableAccessPrograms: null,
      isDefault: entry.id === defaultModel,
    }));
}

/** `model/list`. */
export const modelsModule: NamespaceModule = (registry, server) => {
  registry.register('model/list', ModelListParams, async (params): Promise<ModelListResponse> => {
    const config = loadEffectiveConfig(server.codexHome, server.options.configOverrides ?? []);
    if (params.modelProvider) {
      const providers = ['openai', 'ollama', 'lmstudio', 'oss', ...Object.keys(config.model_providers ?? {})];
      if (!providers.includes(params.modelProvider)) throw invalidRequest(`unknown model provider "${params.modelProvider}"`);
    }
    // Pages asked for within a few seconds reuse one answer (providerModels' cache), so paging stays consistent.
    const fromProvider = await providerModels(params.modelProvider ?? selectedProviderId(config), config, server.codexHome);
    const all = listModels(config, params.includeHidden ?? false, fromProvider);
    const start = params.cursor ? decodeCursor(params.cursor, (v): v is { offset: number } => Number.isInteger(v?.offset) && v.offset >= 0).offset : 0;
    const end = params.limit ? start + params.limit : all.length;
    return { data: all.slice(start, end), nextCursor: end < all.length ? encodeCursor({ offset: end }) : null };
  });
};

/**
 * The selected provider's own model list, when it has an endpoint of its own: every
 * provider but the built-in OpenAI one at api.openai.com (whose list is not a coding-model
 * catalog); `openai_base_url` makes it ask that server instead.
 */
async function providerModels(providerId: string, config: EffectiveConfig, codexHome: string): Promise<{ ids: string[]; providerName: string }> {
  const none = { ids: [], providerName: '' };
  if (providerId === 'openai' && !config.model_providers?.openai && typeof config.raw.openai_base_url !== 'string') return none;
  try {
    const provider = resolveProvider(providerId, config, codexHome, process.env, { requireKey: false });
    const apiKey = provider.apiKey === 'not-needed' ? undefined : provider.apiKey;
    const ids = await fetchProviderModels({ baseUrl: provider.baseUrl, apiKey, headers: provider.headers, queryParams: provider.queryParams });
    return { ids, providerName: provider.name };
  } catch (error) {
    if (error instanceof ProviderError) return none;
    throw error;
  }
}
