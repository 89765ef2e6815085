/** `skills/*` params and results (shapes follow the reference schema). */
import { z } from 'zod';

export type SkillScope = 'user' | 'repo' | 'system' | 'admin';

export interface SkillInterface {
  displayName?: string;
  shortDescription?: string;
  iconSmall?: string;
  iconLarge?: string;
  iconSmallUrl: string | null;
  iconLargeUrl: string | null;
  brandColor?: string;
  defaultPrompt?: string;
}

export interface SkillMetadata {
  name: string;
  description: string;
  shortDescription?: string;
  interface?: SkillInterface;
  path: string;
  scope: SkillScope;
  enabled: boolean;
  pluginId: string | null;
}

export interface SkillErrorInfo {
  path: string;
  message: string;
}

export interface SkillsListEntry {
  cwd: string;
  skills: SkillMetadata[];
  errors: SkillErrorInfo[];
}

export const SkillsListParams = z.object({
  cwds: z.array(z.string()).optional(),
  forceReload: z.boolean().optional(),
});

export const SkillsConfigWriteParams = z.object({
  path: z.string().nullish(),
  name: z.string().nullish(),
  enabled: z.boolean(),
});

export const SkillsExtraRootsSetParams = z.object({
  extraRoots: z.array(z.string()),
});

export interface SkillsRequests {
  'skills/list': { params: typeof SkillsListParams; result: { data: SkillsListEntry[] } };
  'skills/config/write': { params: typeof SkillsConfigWriteParams; result: { effectiveEnabled: boolean } };
  'skills/extraRoots/set': { params: typeof SkillsExtraRootsSetParams; result: Record<string, never> };
}
