import fs from 'node:fs';
import path from 'node:path';
import type { NamespaceModule } from '../core/appServer';
import { invalidParams, invalidRequest } from '../rpc/errors';
import { log } from '../log';
import { ConfigBatchWriteParams, ConfigReadParams, ConfigRequirementsReadParams, ConfigValueWriteParams, type ConfigEdit, type ConfigLayerMetadata, type ConfigWriteResponse } from '../../protocol/config';
import { ConfigEditError, parseKeyPath, TomlDocument } from './edit';
import { loadLayerStack, type LayerStack } from './loader';
import { requirementsToWire } from './requirements';
import { getPath, parseTomlText, versionOf } from './toml';

/** The named fields of the protocol's `Config` type. */
const CONFIG_FIELDS = [
  'model', 'review_model', 'model_context_window', 'model_auto_compact_token_limit', 'model_provider', 'approval_policy',
  'sandbox_mode', 'sandbox_workspace_write', 'forced_chatgpt_workspace_id', 'forced_login_method', 'web_search', 'tools',
  'instructions', 'developer_instructions', 'compact_prompt', 'model_reasoning_effort', 'model_reasoning_summary',
  'model_verbosity', 'service_tier', 'analytics', 'browser_use', 'computer_use', 'desktop', 'profile', 'hooks',
];

const writeError = (message: string, code: string) => invalidRequest(message, { config_write_error_code: code });

/** The config layers for `cwd`, as `config/read` returns them (highest precedence first). */
function readConfig(stack: LayerStack, includeLayers: boolean) {
  return {
    // Typed fields the reference always reports are null when no layer sets them.
    config: { ...Object.fromEntries(CONFIG_FIELDS.map((field) => [field, null])), ...stack.merged },
    origins: stack.origins,
    layers: includeLayers
      ? [...stack.layers].reverse().map((layer) => ({
          name: layer.name,
          version: layer.version,
          config: layer.config,
          ...(layer.disabledReason ? { disabledReason: layer.disabledReason } : {}),
        }))
      : null,
  };
}

/**
 * Applies edits to the user's config.toml as text edits (comments and unrelated
 * content stay), after checking `expectedVersion`. All edits apply or none.
 */
export function writeUserConfig(codexHome: string, overrides: readonly string[], edits: ConfigEdit[], filePath?: string | null, expectedVersion?: string | null): ConfigWriteResponse {
  const userFile = path.join(codexHome, 'config.toml');
  const target = filePath ? path.resolve(filePath) : userFile;
  if (target !== path.resolve(userFile)) {
    throw writeError(`only the user config file (${userFile}) can be written, not ${target}`, 'configPathNotAllowed');
  }
  let text = '';
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(`cannot read ${target}: ${(error as Error).message}`, 'configReadFailed');
  }
  const parsed = parseTomlText(text, target);
  if (!parsed.ok) throw writeError(`${parsed.warning.summary.replace(/ This file was skipped\.$/, '')} Fix the file before writing to it.`, 'configValidationError');
  if (expectedVersion && expectedVersion !== versionOf(parsed.table)) {
    throw writeError(`${target} changed since version ${expectedVersion} was read (now ${versionOf(parsed.table)})`, 'configVersionConflict');
  }
  const document = new TomlDocument(text);
  const keyPaths: string[][] = [];
  try {
    for (const edit of edits) {
      const keyPath = parseKeyPath(edit.keyPath);
      keyPaths.push(keyPath);
      document.apply(keyPath, edit.value === undefined ? null : edit.value, edit.mergeStrategy);
    }
  } catch (error) {
    if (error instanceof ConfigEditError) throw writeError(error.message, 'configValidationError');
    throw error;
  }
  const newText = document.toString();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Write next to the real file (a symlinked config.toml stays a symlink), then swap atomically.
  const destination = fs.existsSync(target) ? fs.realpathSync(target) : target;
  const temp = `${destination}.${process.pid}.tmp`;
  fs.writeFileSync(temp, newText, { mode: 0o600 });
  fs.renameSync(temp, destination);

  // Report when a higher layer (project, profile, flags) still wins over what was written.
  const stack = loadLayerStack(codexHome, overrides);
  let overriddenMetadata: ConfigWriteResponse['overriddenMetadata'] = null;
  for (const keyPath of keyPaths) {
    const dotted = keyPath.join('.');
    const origin = Object.entries(stack.origins).find(([key, meta]) => (key === dotted || key.startsWith(`${dotted}.`)) && meta.name.type !== 'user');
    if (origin) {
      overriddenMetadata = {
        message: `${dotted} is overridden by a higher-precedence ${origin[1].name.type} layer`,
        overridingLayer: origin[1],
        effectiveValue: getPath(stack.merged, origin[0].split('.')) ?? null,
      };
      break;
    }
  }
  return {
    status: overriddenMetadata ? 'okOverridden' : 'ok',
    version: versionOf(document.parsed()),
    filePath: target,
    overriddenMetadata,
  };
}

/** `config/read`, `config/value/write`, `config/batchWrite`, `configRequirements/read`, and startup `configWarning`s. */
export const configModule: NamespaceModule = (registry, server) => {
  const overrides = server.options.configOverrides;

  // Problems found at startup are reported to every client once it is initialized.
  const startup = loadLayerStack(server.codexHome, overrides);
  for (const warning of startup.warnings) log.warn(`config: ${warning.summary}`);
  server.onSessionReady((session) => {
    for (const warning of startup.warnings) session.notify('configWarning', warning);
  });

  registry.register('config/read', ConfigReadParams, (params) => {
    const cwd = params.cwd ? path.resolve(params.cwd) : undefined;
    if (cwd && !fs.existsSync(cwd)) throw invalidParams(`cwd does not exist: ${cwd}`);
    return readConfig(loadLayerStack(server.codexHome, overrides, { cwd }), params.includeLayers === true);
  });

  registry.register('config/value/write', ConfigValueWriteParams, (params) =>
    writeUserConfig(server.codexHome, overrides, [{ keyPath: params.keyPath, value: params.value, mergeStrategy: params.mergeStrategy }], params.filePath, params.expectedVersion),
  );

  registry.register('config/batchWrite', ConfigBatchWriteParams, (params) =>
    writeUserConfig(server.codexHome, overrides, params.edits, params.filePath, params.expectedVersion),
  );

  registry.register('configRequirements/read', ConfigRequirementsReadParams, () => {
    const stack = loadLayerStack(server.codexHome, overrides);
    return { supportsIndependentSpeedModes: null, requirements: stack.requirements ? requirementsToWire(stack.requirements) : null };
  });
};

