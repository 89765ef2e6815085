/**
 * Finds every configured hook in the active config layers and decides which
 * may run. Sources, in order: managed hooks from `requirements.toml`, then each
 * layer lowest first (system, user, trusted projects, session flags), each
 * with its `hooks.json` and its inline `[hooks]` table.
 *
 * Trust: a hook's identity (event, matcher, normalized handler) is hashed; a
 * non-managed hook runs only when `hooks.state."<key>".trusted_hash` in the
 * user's config equals that hash. Managed hooks are trusted by policy and
 * cannot be disabled.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isTable, versionOf, type Table } from '../config/toml';
import type { ConfigLayerEntry, LayerStack } from '../config/loader';
import type { HookEventName, HookMetadata, HookSource, HookTrustStatus } from '../../protocol/hooks';

/** Config spelling → wire name and the snake-case label used in keys and hashes (reference order). */
export const HOOK_EVENTS = [
  { config: 'PreToolUse', wire: 'preToolUse', label: 'pre_tool_use' },
  { config: 'PermissionRequest', wire: 'permissionRequest', label: 'permission_request' },
  { config: 'PostToolUse', wire: 'postToolUse', label: 'post_tool_use' },
  { config: 'SessionStart', wire: 'sessionStart', label: 'session_start' },
  { config: 'UserPromptSubmit', wire: 'userPromptSubmit', label: 'user_prompt_submit' },
  { config: 'Stop', wire: 'stop', label: 'stop' },
] as const satisfies readonly { config: string; wire: HookEventName; label: string }[];

export type HookEventInfo = (typeof HOOK_EVENTS)[number];

/** Keys of a `[hooks]` table that are not events. */
const NON_EVENT_KEYS = new Set(['state', 'managed_dir', 'windows_managed_dir']);
/** Events the reference knows but this server never fires: listed as warnings, not errors. */
const UNSUPPORTED_EVENTS = new Set(['PreModelRequest', 'PostModelRequest', 'PreCompact', 'PostCompact', 'SessionEnd', 'SubagentStart', 'SubagentStop', 'Interrupt']);

const DEFAULT_TIMEOUT_SEC = 600;

/** A hook that may run. */
export interface RunnableHook {
  key: string;
  event: HookEventInfo;
  matcher: string | null;
  command: string;
  timeoutSec: number;
  statusMessage: string | null;
  sourcePath: string;
  source: HookSource;
  displayOrder: number;
  /** Extra environment for the command (plugin hooks: PLUGIN_ROOT, PLUGIN_DATA…). */
  env: Record<string, string>;
}

interface DiscoveryResult {
  hooks: HookMetadata[];
  runnable: RunnableHook[];
  warnings: string[];
  errors: { path: string; message: string }[];
}

interface HookState {
  enabled?: boolean;
  trusted_hash?: string;
}

interface Source {
  path: string;
  source: HookSource;
  isManaged: boolean;
  /** Prefix of hook keys: the file path, or `<pluginId>:<relative path>` for plugins. */
  keySource?: string;
  pluginId?: string;
  /** Plugin hooks: `${VAR}` in commands is replaced and the variables are set. */
  env?: Record<string, string>;
  /** Plugin hooks: a digest of the plugin's files, so any change needs a new review. */
  contentHash?: string;
}

/** SessionStart keeps its matcher (it matches the source); UserPromptSubmit and Stop ignore theirs. */
function matcherForEvent(event: HookEventInfo, matcher: string | null | undefined): string | null {
  if (event.config === 'UserPromptSubmit' || event.config === 'Stop') return null;
  return typeof matcher === 'string' ? matcher : null;
}

const isMatchAll = (matcher: string) => matcher === '' || matcher === '*';
const isExact = (matcher: string) => /^[A-Za-z0-9_|]*$/.test(matcher);

function validateMatcher(matcher: string): string | null {
  if (isMatchAll(matcher) || isExact(matcher)) return null;
  try {
    new RegExp(matcher);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `*`/empty match all; plain names (with `|`) match exactly; anything else is a regex. */
export function matcherMatches(matcher: string | null, inputs: readonly string[]): boolean {
  if (matcher === null || isMatchAll(matcher)) return true;
  if (isExact(matcher)) return inputs.some((input) => matcher.split('|').includes(input));
  try {
    const regex = new RegExp(matcher);
    return inputs.some((input) => regex.test(input));
  } catch {
    return false;
  }
}

/** Names a tool also answers to: `Edit` and `Write` are aliases of `apply_patch`. */
export function matcherInputsForTool(toolName: string): string[] {
  if (toolName === 'apply_patch') return ['apply_patch', 'Edit', 'Write'];
  if (toolName === 'Edit' || toolName === 'Write') return [toolName, 'apply_patch'];
  return [toolName];
}

/** Hook state (`hooks.state`) comes only from layers the user controls. */
function hookStates(stack: LayerStack): Map<string, HookState> {
  const states = new Map<string, HookState>();
  for (const layer of stack.layers) {
    if (layer.name.type !== 'user' && layer.name.type !== 'sessionFlags') continue;
    const table = isTable(layer.config.hooks) && isTable(layer.config.hooks.state) ? layer.config.hooks.state : {};
    for (const [rawKey, value] of Object.entries(table)) {
      const key = rawKey.trim();
      if (!key || !isTable(value)) continue;
      const state = states.get(key) ?? {};
      if (typeof value.enabled === 'boolean') state.enabled = value.enabled;
      if (typeof value.trusted_hash === 'string') state.trusted_hash = value.trusted_hash;
      states.set(key, state);
    }
  }
  return states;
}

function layerSource(layer: ConfigLayerEntry): { source: HookSource; isManaged: boolean } | null {
  switch (layer.name.type) {
    case 'system':
      return { source: 'system', isManaged: true };
    case 'user':
      return { source: 'user', isManaged: false };
    case 'project':
      return { source: 'project', isManaged: false };
    case 'sessionFlags':
      return { source: 'sessionFlags', isManaged: false };
    default:
      return null; // kinds of layer our server does not load (MDM, enterprise, packaged defaults)
  }
}

export function discoverHooks(stack: LayerStack): DiscoveryResult {
  const result: DiscoveryResult = { hooks: [], runnable: [], warnings: [], errors: [] };
  const states = hookStates(stack);
  const managedOnly = stack.requirements?.allow_managed_hooks_only === true;
  let displayOrder = 0;

  const addEvents = (source: Source, events: Table) => {
    if (managedOnly && !source.isManaged) return;
    for (const name of Object.keys(events)) {
      if (NON_EVENT_KEYS.has(name) || HOOK_EVENTS.some((e) => e.config === name)) continue;
      result.warnings.push(
        UNSUPPORTED_EVENTS.has(name) ? `${name} hooks in ${source.path} are not supported by this server and do not run` : `unknown hook event "${name}" in ${source.path}`,
      );
    }
    for (const event of HOOK_EVENTS) {
      const groups = events[event.config];
      if (groups === undefined) continue;
      if (!Array.isArray(groups)) {
        result.errors.push({ path: source.path, message: `hooks.${event.config} must be a list of matcher groups` });
        continue;
      }
      groups.forEach((group, groupIndex) => {
        if (!isTable(group) || !Array.isArray(group.hooks)) {
          result.errors.push({ path: source.path, message: `hooks.${event.config}[${groupIndex}] needs a "hooks" list` });
          return;
        }
        const matcher = matcherForEvent(event, group.matcher as string | undefined);
        if (matcher !== null) {
          const invalid = validateMatcher(matcher);
          if (invalid) {
            result.warnings.push(`invalid matcher ${JSON.stringify(matcher)} in ${source.path}: ${invalid}`);
            return;
          }
        }
        group.hooks.forEach((handler: unknown, handlerIndex: number) => {
          if (!isTable(handler)) return;
          if (handler.type !== 'command') {
            result.warnings.push(`skipping ${String(handler.type)} hook in ${source.path}: only command hooks are supported`);
            return;
          }
          const command = typeof handler.command === 'string' ? handler.command : '';
          if (!command.trim()) {
            result.warnings.push(`skipping empty hook command in ${source.path}`);
            return;
          }
          const rawTimeout = handler.timeout ?? handler.timeoutSec ?? handler.timeout_sec;
          const timeoutSec = Math.max(1, typeof rawTimeout === 'number' && Number.isFinite(rawTimeout) ? Math.floor(rawTimeout) : DEFAULT_TIMEOUT_SEC);
          const isAsync = handler.async === true;
          const statusMessage = typeof handler.statusMessage === 'string' ? handler.statusMessage : null;
          const identityHash = versionOf({
            event_name: event.label,
            ...(matcher !== null ? { matcher } : {}),
            hooks: [{ type: 'command', command, timeout: timeoutSec, async: isAsync, ...(statusMessage !== null ? { statusMessage } : {}) }],
          });
          const currentHash = source.contentHash ? `${identityHash}/${source.contentHash}` : identityHash;
          const env = source.env ?? {};
          const resolvedCommand = Object.entries(env).reduce((text, [name, value]) => text.split(`\${${name}}`).join(value), command);
          const key = `${source.keySource ?? source.path}:${event.label}:${groupIndex}:${handlerIndex}`;
          const state = states.get(key);
          const enabled = source.isManaged || state?.enabled !== false;
          const trustStatus: HookTrustStatus = source.isManaged
            ? 'managed'
            : state?.trusted_hash === undefined
              ? 'untrusted'
              : state.trusted_hash === currentHash
                ? 'trusted'
                : 'modified';
          result.hooks.push({
            key,
            eventName: event.wire,
            handlerType: 'command',
            command: resolvedCommand,
            async: isAsync,
            matcher,
            timeoutSec,
            statusMessage,
            additionalContextLimit: null,
            sourcePath: source.path,
            source: source.source,
            pluginId: source.pluginId ?? null,
            environmentId: null,
            displayOrder,
            enabled,
            isManaged: source.isManaged,
            currentHash,
            trustStatus,
          });
          // Async hooks are listed but not run by this server.
          if (enabled && !isAsync && (trustStatus === 'managed' || trustStatus === 'trusted')) {
            result.runnable.push({ key, event, matcher, command: resolvedCommand, timeoutSec, statusMessage, sourcePath: source.path, source: source.source, displayOrder, env });
          }
          displayOrder++;
        });
      });
    }
  };

  // Managed hooks from requirements.toml come first.
  const managed = stack.requirements?.hooks;
  if (managed && stack.requirements) {
    const dir = typeof managed.managed_dir === 'string' && path.isAbsolute(managed.managed_dir) ? managed.managed_dir : stack.requirements.file;
    addEvents({ path: dir, source: 'system', isManaged: true }, managed);
  }

  for (const layer of stack.layers) {
    if (layer.disabledReason) continue;
    const kind = layerSource(layer);
    if (!kind) continue;
    const jsonFile = layer.hooksFolder ? path.join(layer.hooksFolder, 'hooks.json') : null;
    const jsonEvents = jsonFile ? readHooksJson(jsonFile, result) : null;
    const tomlEvents = isTable(layer.config.hooks) ? layer.config.hooks : null;
    const tomlHasEvents = tomlEvents && Object.keys(tomlEvents).some((k) => !NON_EVENT_KEYS.has(k));
    const tomlPath = layer.file ?? '<session-flags>/config.toml';
    if (jsonEvents && Object.keys(jsonEvents).length && tomlHasEvents) {
      result.warnings.push(`loading hooks from both ${jsonFile} and ${tomlPath}; prefer a single representation for this layer`);
    }
    if (jsonEvents && jsonFile) addEvents({ path: jsonFile, ...kind }, jsonEvents);
    if (tomlEvents && tomlHasEvents) addEvents({ path: tomlPath, ...kind }, tomlEvents);
  }

  // Plugin hooks come last, and only under `features.plugin_hooks`.
  const codexHome = stack.layers.find((layer) => layer.name.type === 'user')?.hooksFolder;
  if (codexHome && pluginHooksEnabled(stack.merged)) {
    for (const plugin of enabledPlugins(codexHome, stack.merged, result)) {
      for (const file of plugin.hookFiles) {
        addEvents(
          { path: file.path, source: 'plugin', isManaged: false, keySource: `${plugin.id}:${file.relativePath}`, pluginId: plugin.id, env: plugin.env, contentHash: plugin.contentHash },
          file.events,
        );
      }
    }
  }
  return result;
}

function pluginHooksEnabled(merged: Table): boolean {
  return isTable(merged.features) && merged.features.plugin_hooks === true;
}

interface PluginHooks {
  id: string;
  env: Record<string, string>;
  contentHash: string;
  hookFiles: { path: string; relativePath: string; events: Table }[];
}

/** Compares version directory names numerically (`1.10.0` after `1.9.0`). */
const byVersion = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/**
 * Plugins enabled with `[plugins."<name>@<marketplace>"] enabled = true`, installed under
 * `$CODEX_HOME/plugins/cache/<marketplace>/<name>/<version>/` (the newest version wins).
 */
function enabledPlugins(codexHome: string, merged: Table, result: DiscoveryResult): PluginHooks[] {
  const plugins = isTable(merged.plugins) ? merged.plugins : {};
  const found: PluginHooks[] = [];
  for (const [id, settings] of Object.entries(plugins)) {
    if (!isTable(settings) || settings.enabled !== true) continue;
    const at = id.lastIndexOf('@');
    const name = at > 0 ? id.slice(0, at) : '';
    const marketplace = at > 0 ? id.slice(at + 1) : '';
    if (!/^[\w.-]+$/.test(name) || !/^[\w.-]+$/.test(marketplace)) {
      result.warnings.push(`ignoring plugin "${id}": expected <name>@<marketplace>`);
      continue;
    }
    const versionsDir = path.join(codexHome, 'plugins', 'cache', marketplace, name);
    let versions: string[];
    try {
      versions = fs.readdirSync(versionsDir).filter((v) => fs.existsSync(path.join(versionsDir, v, '.codex-plugin', 'plugin.json'))).sort(byVersion);
    } catch {
      continue;
    }
    const version = versions.pop();
    if (!version) continue;
    const root = path.join(versionsDir, version);
    const manifestFile = path.join(root, '.codex-plugin', 'plugin.json');
    let manifest: Table;
    try {
      const parsed = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
      if (!isTable(parsed)) throw new Error('not an object');
      manifest = parsed;
    } catch (error) {
      result.errors.push({ path: manifestFile, message: `invalid plugin manifest: ${(error as Error).message}` });
      continue;
    }
    const dataRoot = path.join(codexHome, 'plugins', 'data', `${name}-${marketplace}`);
    const env = { PLUGIN_ROOT: root, CLAUDE_PLUGIN_ROOT: root, PLUGIN_DATA: dataRoot, CLAUDE_PLUGIN_DATA: dataRoot };
    const hookFiles: PluginHooks['hookFiles'] = [];
    const declared = manifest.hooks;
    const addFile = (relative: string) => {
      const file = path.resolve(root, relative);
      if (!file.startsWith(root + path.sep)) {
        result.errors.push({ path: manifestFile, message: `hooks path ${relative} is outside the plugin` });
        return;
      }
      const events = readHooksJson(file, result);
      if (events) hookFiles.push({ path: file, relativePath: path.relative(root, file).split(path.sep).join('/'), events });
    };
    if (declared === undefined) addFile('hooks/hooks.json');
    else if (typeof declared === 'string') addFile(declared);
    else if (Array.isArray(declared)) {
      declared.forEach((entry, index) => {
        if (typeof entry === 'string') addFile(entry);
        else if (isTable(entry) && isTable(entry.hooks)) hookFiles.push({ path: manifestFile, relativePath: `.codex-plugin/plugin.json#${index}`, events: entry.hooks });
      });
    } else if (isTable(declared) && isTable(declared.hooks)) {
      hookFiles.push({ path: manifestFile, relativePath: '.codex-plugin/plugin.json', events: declared.hooks });
    }
    if (hookFiles.length) found.push({ id, env, contentHash: directoryDigest(root), hookFiles });
  }
  return found;
}

/** `sha256:` digest over every file of a directory (relative path and content), in path order. */
function directoryDigest(root: string): string {
  const hash = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        hash.update(path.relative(root, full).split(path.sep).join('/')).update('\0');
        hash.update(crypto.createHash('sha256').update(fs.readFileSync(full)).digest()).update('\0');
      }
    }
  };
  walk(root);
  return `sha256:${hash.digest('hex')}`;
}

function readHooksJson(file: string, result: DiscoveryResult): Table | null {
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) return null;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text);
    if (!isTable(parsed) || (parsed.hooks !== undefined && !isTable(parsed.hooks))) {
      result.errors.push({ path: file, message: 'expected an object with a "hooks" object' });
      return null;
    }
    return (parsed.hooks as Table | undefined) ?? {};
  } catch (error) {
    result.warnings.push(`failed to parse hooks config ${file}: ${(error as Error).message}`);
    return null;
  }
}
