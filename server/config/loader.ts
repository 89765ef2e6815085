/**
 * The config layer stack, lowest precedence first:
 *   built-in defaults → system `config.toml` → user `$CODEX_HOME/config.toml`
 *   → each trusted project's `.codex/config.toml` (repository root down to the cwd)
 *   → the selected profile → session flags (`-c key=value`, `thread/start.config`).
 * Requirements from the system `requirements.toml` are applied last and win.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { log } from '../log';
import { isTable, parseTomlText, versionOf, type Table } from './toml';
import { applyRequirements, loadRequirements } from './requirements';
import type { ConfigRequirementsToml, EffectiveConfig } from './types';
import type { ConfigLayerMetadata, ConfigLayerSource, ConfigWarning } from '../../protocol/config';
import { dropInvalidMcpServers } from '../mcp/config';

export { isTable, type Table };

/** Overridable so tests (and unusual installs) never depend on the real `/etc/codex`. */
export function systemConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_SYSTEM_CONFIG_DIR && env.CODEX_SYSTEM_CONFIG_DIR.trim() ? path.resolve(env.CODEX_SYSTEM_CONFIG_DIR) : '/etc/codex';
}

/** Keys a project's `.codex/config.toml` may not set: they could redirect credentials or run programs. */
const PROJECT_IGNORED_KEYS = [
  'openai_base_url',
  'chatgpt_base_url',
  'model_provider',
  'model_providers',
  'notify',
  'profile',
  'profiles',
  'experimental_realtime_ws_base_url',
  'otel',
] as const;

/** Values that apply when no layer sets them. */
const BUILT_IN_DEFAULTS: Table = {
  approval_policy: 'on-request',
  sandbox_mode: 'read-only',
  project_root_markers: ['.git'],
  features: { hooks: true },
};

export interface ConfigLayerEntry {
  name: ConfigLayerSource;
  version: string;
  config: Table;
  /** Set when the layer was found but does not take effect (untrusted project). */
  disabledReason?: string;
  /** Folder whose `hooks.json` belongs to this layer. */
  hooksFolder: string | null;
  /** The TOML file behind the layer, when there is one. */
  file: string | null;
}

export interface LayerStack {
  cwd: string;
  /** Lowest precedence first; disabled layers included (they do not merge). */
  layers: ConfigLayerEntry[];
  /** The effective table (defaults, layers, profile, flags, requirements). */
  merged: Table;
  /** Dotted key path → the layer that set it. */
  origins: Record<string, ConfigLayerMetadata>;
  warnings: ConfigWarning[];
  requirements: ConfigRequirementsToml | null;
  profile: string | null;
  /** The trusted project root, when the cwd is inside a trusted project. */
  projectRoot: string | null;
  projectTrusted: boolean;
}

interface LoadOptions {
  /** Directory whose projects contribute layers; defaults to the process cwd. */
  cwd?: string;
  /** Extra session flags (e.g. `thread/start.config`), applied after `-c` overrides. */
  sessionConfig?: Table | null;
  /** Selected profile (`thread/start.profile`); otherwise the `profile` key decides. */
  profile?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Receives each problem found (send it to the client as `configWarning`); they are logged otherwise. */
  onWarning?: (warning: ConfigWarning) => void;
}

/** Deep-merges `over` into `base` (tables merge, everything else replaces). */
function mergeTables(base: Table, over: Table): Table {
  const out: Table = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isTable(value) && isTable(out[key]) ? mergeTables(out[key] as Table, value) : value;
  }
  return out;
}

/** Parses one `-c key.path=value` override; the value is TOML, or a bare string if it is not. */
function parseOverride(override: string): Table {
  const eq = override.indexOf('=');
  if (eq <= 0) throw new Error(`invalid -c override (expected key=value): ${override}`);
  const keyPath = override.slice(0, eq).trim().split('.');
  const rawValue = override.slice(eq + 1).trim();
  let value: unknown;
  try {
    value = (parseToml(`v = ${rawValue}`) as Table).v;
  } catch {
    value = rawValue;
  }
  return setPath({}, keyPath, value);
}

function setPath(table: Table, keyPath: string[], value: unknown): Table {
  let node = table;
  keyPath.forEach((key, i) => {
    if (i === keyPath.length - 1) node[key] = value;
    else node = (node[key] = isTable(node[key]) ? node[key] : {}) as Table;
  });
  return table;
}

/** `{ "a.b": 1 }` → `{ a: { b: 1 } }`, as `thread/start.config` keys may be dotted paths. */
function expandDottedKeys(config: Table): Table {
  let out: Table = {};
  for (const [key, value] of Object.entries(config)) {
    out = mergeTables(out, setPath({}, key.split('.'), isTable(value) ? expandDottedKeys(value) : value));
  }
  return out;
}

function readLayerFile(file: string): { table: Table; exists: boolean; warning?: ConfigWarning } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { table: {}, exists: false };
  }
  const parsed = parseTomlText(text, file);
  return parsed.ok ? { table: parsed.table, exists: true } : { table: {}, exists: true, warning: parsed.warning };
}

/** Flattens a table into dotted leaf paths (arrays are leaves). */
function leafPaths(table: Table, prefix: string[] = [], out: string[][] = []): string[][] {
  for (const [key, value] of Object.entries(table)) {
    if (isTable(value) && Object.keys(value).length > 0) leafPaths(value, [...prefix, key], out);
    else out.push([...prefix, key]);
  }
  return out;
}

function canonical(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** Nearest ancestor of `cwd` (itself included) holding one of the markers; null when none. */
export function findProjectRoot(cwd: string, markers: string[]): string | null {
  if (markers.length === 0) return null;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (markers.some((marker) => fs.existsSync(path.join(dir, marker)))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * Trust comes only from layers the project cannot write (system, user, flags):
 * the closest `projects."<dir>"` entry at or above the cwd decides.
 */
function isProjectTrusted(cwd: string, projects: unknown): boolean {
  return projectTrustDecision(cwd, projects) === 'trusted';
}

/** The closest `projects."<dir>".trust_level` at or above `cwd`, or null when nobody decided. */
export function projectTrustDecision(cwd: string, projects: unknown): 'trusted' | 'untrusted' | null {
  if (!isTable(projects)) return null;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const entry = projects[dir];
    if (isTable(entry) && typeof entry.trust_level === 'string') return entry.trust_level === 'trusted' ? 'trusted' : 'untrusted';
    if (path.dirname(dir) === dir) return null;
  }
}

function ignoredProjectKeysWarning(file: string, keys: string[]): ConfigWarning {
  return {
    summary: `Ignored unsupported project-local config keys in ${file}: ${keys.join(', ')}. Set them in your user-level config.toml if you want them to apply.`,
    details: null,
    path: file,
  };
}

/** Builds the whole stack for a cwd. Never throws on bad files: they become warnings. */
export function loadLayerStack(codexHome: string, overrides: readonly string[] | readonly Table[] = [], options: LoadOptions = {}): LayerStack {
  const env = options.env ?? process.env;
  const cwd = canonical(options.cwd ?? process.cwd());
  const warnings: ConfigWarning[] = [];
  const layers: ConfigLayerEntry[] = [];

  const addFileLayer = (name: ConfigLayerSource, file: string, hooksFolder: string | null) => {
    const read = readLayerFile(file);
    if (read.warning) warnings.push(read.warning);
    layers.push({ name, version: versionOf(read.table), config: read.table, hooksFolder, file });
  };

  const systemDir = systemConfigDir(env);
  addFileLayer({ type: 'system', file: path.join(systemDir, 'config.toml') }, path.join(systemDir, 'config.toml'), systemDir);
  const userFile = path.join(codexHome, 'config.toml');
  addFileLayer({ type: 'user', file: userFile, profile: null }, userFile, codexHome);

  // Session flags are parsed early: they may set trust, markers or the profile.
  let sessionFlags: Table = {};
  for (const override of overrides) {
    try {
      sessionFlags = mergeTables(sessionFlags, typeof override === 'string' ? parseOverride(override) : override);
    } catch (error) {
      warnings.push({ summary: `Ignored config override: ${(error as Error).message}`, details: null });
    }
  }
  if (options.sessionConfig) sessionFlags = mergeTables(sessionFlags, expandDottedKeys(options.sessionConfig));

  const trustSources = mergeTables(mergeTables(mergeTables(BUILT_IN_DEFAULTS, layers[0].config), layers[1].config), sessionFlags);
  const markers = Array.isArray(trustSources.project_root_markers)
    ? trustSources.project_root_markers.filter((m): m is string => typeof m === 'string')
    : ['.git'];
  const projectRoot = findProjectRoot(cwd, markers) ?? cwd;
  const projectTrusted = isProjectTrusted(cwd, trustSources.projects);

  // Project folders from the repository root down to the cwd.
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (dir === projectRoot || path.dirname(dir) === dir) break;
  }
  const codexHomeReal = canonical(codexHome);
  for (const dir of dirs) {
    const dotCodex = path.join(dir, '.codex');
    if (canonical(dotCodex) === codexHomeReal || !fs.existsSync(dotCodex)) continue;
    const file = path.join(dotCodex, 'config.toml');
    const name: ConfigLayerSource = { type: 'project', dotCodexFolder: dotCodex };
    if (!projectTrusted) {
      // Listed so clients can explain why it does not apply; never parsed into the effective config.
      layers.push({ name, version: versionOf({}), config: {}, hooksFolder: null, file, disabledReason: 'The project is not trusted.' });
      continue;
    }
    const read = readLayerFile(file);
    if (read.warning) warnings.push(read.warning);
    const config: Table = { ...read.table };
    const ignored = PROJECT_IGNORED_KEYS.filter((key) => key in config);
    for (const key of ignored) delete config[key];
    if (ignored.length) warnings.push(ignoredProjectKeysWarning(file, ignored));
    layers.push({ name, version: versionOf(config), config, hooksFolder: dotCodex, file });
  }

  layers.push({ name: { type: 'sessionFlags' }, version: versionOf(sessionFlags), config: sessionFlags, hooksFolder: null, file: null });

  // Merge enabled layers and record origins.
  let merged: Table = BUILT_IN_DEFAULTS;
  const origins: Record<string, ConfigLayerMetadata> = {};
  const enabled = layers.filter((layer) => !layer.disabledReason);
  const record = (table: Table, layer: ConfigLayerEntry, prefix: string[] = []) => {
    for (const leaf of leafPaths(table)) origins[[...prefix, ...leaf].join('.')] = { name: layer.name, version: layer.version };
  };
  for (const layer of enabled.filter((l) => l.name.type !== 'sessionFlags')) {
    merged = mergeTables(merged, layer.config);
    record(layer.config, layer);
  }

  // The profile sits between the project layers and the session flags.
  const profile = options.profile ?? (typeof sessionFlags.profile === 'string' ? sessionFlags.profile : typeof merged.profile === 'string' ? merged.profile : null);
  if (profile) {
    const profiles = mergeTables(isTable(merged.profiles) ? merged.profiles : {}, isTable(sessionFlags.profiles) ? sessionFlags.profiles : {});
    const selected = profiles[profile];
    if (isTable(selected)) {
      merged = mergeTables(merged, selected);
      for (const layer of enabled) {
        const fromLayer = isTable(layer.config.profiles) ? layer.config.profiles[profile] : undefined;
        if (isTable(fromLayer)) record(fromLayer, layer);
      }
    } else {
      warnings.push({ summary: `Config profile "${profile}" is not defined; using the settings without a profile.`, details: null });
    }
    merged.profile = profile;
  }
  const flagsLayer = layers[layers.length - 1];
  merged = mergeTables(merged, sessionFlags);
  record(sessionFlags, flagsLayer);

  // Deprecated alias: `features.codex_hooks` stands for `features.hooks` when the latter is not set by any layer.
  const features = isTable(merged.features) ? { ...merged.features } : {};
  if (typeof features.codex_hooks === 'boolean') {
    if (!origins['features.hooks']) features.hooks = features.codex_hooks;
    warnings.push({ summary: '`features.codex_hooks` is deprecated; use `features.hooks` instead.', details: null });
  }
  merged.features = features;

  merged = dropInvalidMcpServers(merged, warnings);
  const requirements = loadRequirements(systemDir, warnings);
  if (requirements) merged = applyRequirements(merged, requirements, warnings);

  return { cwd, layers, merged, origins, warnings, requirements, profile, projectRoot: projectTrusted ? projectRoot : null, projectTrusted };
}

/** The effective config for a cwd (the process cwd by default). Warnings go to `onWarning`, or the log. */
export function loadEffectiveConfig(codexHome: string, overrides: readonly string[] | readonly Table[] = [], options: LoadOptions = {}): EffectiveConfig {
  const stack = loadLayerStack(codexHome, overrides, options);
  for (const warning of stack.warnings) {
    if (options.onWarning) options.onWarning(warning);
    else log.warn(`config: ${warning.summary}`);
  }
  return toEffectiveConfig(stack.merged);
}

export function toEffectiveConfig(merged: Table): EffectiveConfig {
  return { ...(merged as Omit<EffectiveConfig, 'raw'>), raw: merged };
}

/** Whether hooks are on (`features.hooks`, default true). */
export function hooksFeatureEnabled(merged: Table): boolean {
  const features = isTable(merged.features) ? merged.features : {};
  return features.hooks !== false;
}
