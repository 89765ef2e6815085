import { z } from 'zod';

/** `modelProvider/list` and `modelProvider/capabilities/read` take an empty object. */
export const ModelProviderListParams = z.object({}).passthrough();
export const ModelProviderCapabilitiesReadParams = z.object({}).passthrough();

export type GatewayAuth = { mode: 'none' } | { mode: 'environmentVariable'; envKey: string } | { mode: 'externallyConfigured'; envKey: string | null };

/** The reference's provider kinds; ours lists `openai` and `customGateway` ones. */
export type ProviderSettings =
  | { type: 'openai' }
  | { type: 'customGateway'; auth: GatewayAuth }
  | { type: 'bedrock'; profile: string | null; region: string | null }
  | { type: 'gcp'; projectId: string | null; location: string | null; credentialFile: string | null };

export interface ModelProviderSummary {
  id: string;
  name: string;
  /** Whether the provider's table can be edited in the user's config.toml. */
  canEdit: boolean;
  /** Null when the endpoint is the provider's default (not shown by the reference). */
  baseUrl: string | null;
  settings: ProviderSettings;
}

export interface ModelProviderListResponse {
  data: ModelProviderSummary[];
  defaultProviderId: string;
  canChangeDefault: boolean;
}

export interface ModelProviderCapabilitiesReadResponse {
  imageGeneration: boolean;
  webSearch: boolean;
}

export interface ModelProviderRequests {
  'modelProvider/list': { params: typeof ModelProviderListParams; result: ModelProviderListResponse };
  'modelProvider/capabilities/read': { params: typeof ModelProviderCapabilitiesReadParams; result: ModelProviderCapabilitiesReadResponse };
}
