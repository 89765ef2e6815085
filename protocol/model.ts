import { z } from 'zod';

export const ModelListParams = z.object({
  modelProvider: z.string().nullish(),
  cursor: z.string().nullish(),
  limit: z.number().int().min(1, 'limit must be at least 1').nullish(),
  includeHidden: z.boolean().nullish(),
});
export type ModelListParams = z.infer<typeof ModelListParams>;

/** One entry of `model/list` (reference `Model`). */
export interface Model {
  id: string;
  model: string;
  upgrade: string | null;
  upgradeInfo: null;
  availabilityNux: null;
  displayName: string;
  description: string;
  modelSpecialty: string | null;
  hidden: boolean;
  supportedReasoningEfforts: { reasoningEffort: string; description: string }[];
  defaultReasoningEffort: string;
  inputModalities: ('text' | 'image' | 'audio')[];
  supportsPersonality: boolean;
  multiAgentVersion: null;
  additionalSpeedTiers: string[];
  serviceTiers: { id: string; name: string; description: string }[];
  defaultServiceTier: string | null;
  availableAccessPrograms: null;
  isDefault: boolean;
}

export interface ModelListResponse {
  data: Model[];
  nextCursor: string | null;
}

export interface ModelRequests {
  'model/list': { params: typeof ModelListParams; result: ModelListResponse };
}
