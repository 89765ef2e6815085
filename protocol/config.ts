import { z } from 'zod';

/** `config/read` */
export const ConfigReadParams = z.object({
  includeLayers: z.boolean().optional(),
  cwd: z.string().nullish(),
});

/** Any JSON value; `null` removes the key. The field itself is required. */
const JsonValue = z.unknown().refine((value) => value !== undefined, 'value is required (use null to remove a key)');
const MergeStrategy = z.enum(['replace', 'upsert']);

export const ConfigEdit = z.object({
  keyPath: z.string().min(1),
  value: JsonValue,
  mergeStrategy: MergeStrategy,
});

/** `config/value/write` */
export const ConfigValueWriteParams = ConfigEdit.extend({
  filePath: z.string().nullish(),
  expectedVersion: z.string().nullish(),
});

/** `config/batchWrite` */
export const ConfigBatchWriteParams = z.object({
  edits: z.array(ConfigEdit),
  filePath: z.string().nullish(),
  expectedVersion: z.string().nullish(),
  reloadUserConfig: z.boolean().optional(),
});

/** `configRequirements/read` takes no params. */
export const ConfigRequirementsReadParams = z.unknown();

export type ConfigEdit = z.infer<typeof ConfigEdit>;

/** Where a config layer came from (the reference's `ConfigLayerSource`, for the sources we load). */
export type ConfigLayerSource =
  | { type: 'packagedDefaults'; file: string }
  | { type: 'mdm'; domain: string; key: string }
  | { type: 'system'; file: string }
  | { type: 'enterpriseManaged'; id: string; name: string }
  | { type: 'user'; file: string; profile: string | null }
  | { type: 'project'; dotCodexFolder: string }
  | { type: 'sessionFlags' }
  | { type: 'legacyManagedConfigTomlFromFile'; file: string }
  | { type: 'legacyManagedConfigTomlFromMdm' };

export interface ConfigLayerMetadata {
  name: ConfigLayerSource;
  version: string;
}

export interface TextPosition {
  line: number;
  column: number;
}

/** The `configWarning` notification: a config file that could not be read or used. */
export interface ConfigWarning {
  summary: string;
  details: string | null;
  path?: string;
  range?: { start: TextPosition; end: TextPosition };
}

export interface ConfigReadResponse {
  /** The merged config (TOML keys); typed fields no layer sets are null. */
  config: Record<string, unknown>;
  origins: Record<string, unknown>;
  layers: unknown[] | null;
}

export interface ConfigWriteResponse {
  status: 'ok' | 'okOverridden';
  version: string;
  filePath: string;
  overriddenMetadata: { message: string; overridingLayer: ConfigLayerMetadata; effectiveValue: unknown } | null;
}

export interface ConfigRequirementsReadResponse {
  requirements: Record<string, unknown> | null;
  supportsIndependentSpeedModes: boolean | null;
}

export interface ConfigRequests {
  'config/read': { params: typeof ConfigReadParams; result: ConfigReadResponse };
  'config/value/write': { params: typeof ConfigValueWriteParams; result: ConfigWriteResponse };
  'config/batchWrite': { params: typeof ConfigBatchWriteParams; result: ConfigWriteResponse };
  'configRequirements/read': { params: typeof ConfigRequirementsReadParams; result: ConfigRequirementsReadResponse };
}
