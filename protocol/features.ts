/**
 * `experimentalFeature/list`, `experimentalFeature/enablement/set` (feature flags, stable) and
 * `collaborationMode/list` (presets, experimental). Shapes follow the reference schema.
 */
import { z } from 'zod';

export const ExperimentalFeatureListParams = z.object({
  cursor: z.string().nullish(),
  // The reference accepts 0; the server reads it as 1 (an empty page would never advance).
  limit: z.number().int().min(0).nullish(),
  threadId: z.string().nullish(),
});
export const ExperimentalFeatureEnablementSetParams = z.object({ enablement: z.record(z.string(), z.boolean()) });
export const CollaborationModeListParams = z.object({});

export type ExperimentalFeatureStage = 'beta' | 'underDevelopment' | 'stable' | 'deprecated' | 'removed';

export interface ExperimentalFeature {
  /** The key under `[features]` in config.toml. */
  name: string;
  stage: ExperimentalFeatureStage;
  displayName?: string | null;
  description?: string | null;
  announcement?: string | null;
  enabled: boolean;
  defaultEnabled: boolean;
}

export interface ExperimentalFeatureListResponse {
  data: ExperimentalFeature[];
  nextCursor?: string | null;
}

export interface CollaborationModeMask {
  name: string;
  mode?: 'plan' | 'default' | null;
  model?: string | null;
  reasoning_effort?: string | null;
}

export interface FeatureRequests {
  'experimentalFeature/list': { params: typeof ExperimentalFeatureListParams; result: ExperimentalFeatureListResponse };
  'experimentalFeature/enablement/set': { params: typeof ExperimentalFeatureEnablementSetParams; result: { enablement: Record<string, boolean> } };
  'collaborationMode/list': { params: typeof CollaborationModeListParams; result: { data: CollaborationModeMask[] }; experimental: true };
}
