/** Whether the selected model provider signs in with an OpenAI account (the built-in `openai`, or `requires_openai_auth`). */
import type { EffectiveConfig } from '../config/types';

export const DEFAULT_PROVIDER_ID = 'openai';

export function selectedProviderId(config: EffectiveConfig): string {
  return config.model_provider ?? DEFAULT_PROVIDER_ID;
}

export function requiresOpenaiAuth(config: EffectiveConfig): boolean {
  const id = selectedProviderId(config);
  const configured = config.model_providers?.[id];
  if (configured?.requires_openai_auth !== undefined) return configured.requires_openai_auth === true;
  return id === DEFAULT_PROVIDER_ID && !configured;
}
