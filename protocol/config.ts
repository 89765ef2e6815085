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
