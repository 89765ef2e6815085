/**
 * `modelProvider/*`: the providers a client can show, as the reference lists
 * them: the `[model_providers.*]` tables of config.toml and the built-in
 * `openai`, sorted by id. The local built-ins (`ollama`, `lmstudio`) are not
 * listed, as in the reference; they are still selectable by `model_provider`.
 */
import type { NamespaceModule } from '../core/appServer';
import { loadLayerStack, toEffectiveConfig } from '../config/loader';
import { isTable } from '../config/toml';
import type { ModelProviderConfig } from '../config/types';
import { DEFAULT_PROVIDER_ID, selectedProviderId } from '../account/providerAuth';
import {
  ModelProviderCapabilitiesReadParams,
  ModelProviderListParams,
  type GatewayAuth,
  type ModelProviderCapabilitiesReadResponse,
  type ModelProviderListResponse,
  type ModelProviderSummary,
} from '../../protocol/modelProvider';

function gatewayAuth(provider: ModelProviderConfig): GatewayAuth {
  return provider.env_key ? { mode: 'environmentVariable', envKey: provider.env_key } : { mode: 'none' };
}

export const modelProviderModule: NamespaceModule = (registry, server) => {
  registry.register('modelProvider/list', ModelProviderListParams, (): ModelProviderListResponse => {
    const stack = loadLayerStack(server.codexHome, server.options.configOverrides ?? []);
    const config = toEffectiveConfig(stack.merged);
    // Only tables written in the user's config.toml can be edited there.
    const userLayer = stack.layers.find((layer) => layer.name.type === 'user');
    const userProviders = isTable(userLayer?.config.model_providers) ? userLayer.config.model_providers : {};
    const data: ModelProviderSummary[] = Object.entries(config.model_providers ?? {})
      .filter(([id, provider]) => id !== DEFAULT_PROVIDER_ID && isTable(provider))
      .map(([id, provider]) => ({
        id,
        name: provider.name ?? id,
        canEdit: id in userProviders,
        baseUrl: provider.base_url ?? null,
        settings: { type: 'customGateway', auth: gatewayAuth(provider) },
      }));
    const openaiBaseUrl = typeof config.raw.openai_base_url === 'string' ? config.raw.openai_base_url : null;
    data.push({ id: DEFAULT_PROVIDER_ID, name: 'OpenAI', canEdit: false, baseUrl: openaiBaseUrl, settings: { type: 'openai' } });
    data.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { data, defaultProviderId: selectedProviderId(config), canChangeDefault: true };
  });

  // What the reference reports for every provider it can run: both tools are offered to the model.
  registry.register('modelProvider/capabilities/read', ModelProviderCapabilitiesReadParams, (): ModelProviderCapabilitiesReadResponse => ({
    imageGeneration: true,
    webSearch: true,
  }));
};
