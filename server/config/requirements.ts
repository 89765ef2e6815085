/**
 * The system `requirements.toml`: admin constraints users cannot override.
 * Allowed approval policies and sandbox modes, pinned feature flags, managed
 * hooks (`[hooks]` with `managed_dir`) and `allow_managed_hooks_only`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isTable, parseTomlText, type Table } from './toml';
import type { ApprovalPolicy, ConfigRequirementsToml } from './types';
import { SandboxMode } from '../../protocol/items';
import type { ConfigWarning } from '../../protocol/config';

const APPROVAL_POLICIES = ['untrusted', 'on-failure', 'on-request', 'never'];
const SANDBOX_MODES: string[] = [...SandboxMode.options];

export function loadRequirements(systemDir: string, warnings: ConfigWarning[]): ConfigRequirementsToml | null {
  const file = path.join(systemDir, 'requirements.toml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = parseTomlText(text, file);
  if (!parsed.ok) {
    warnings.push(parsed.warning);
    return null;
  }
  const table = parsed.table;
  const requirements: ConfigRequirementsToml = { file };
  const stringList = (key: string, allowed: string[]): string[] | undefined => {
    const value = table[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      warnings.push({ summary: `${file}: \`${key}\` must be a list; ignored.`, details: null, path: file });
      return undefined;
    }
    const valid = value.filter((v): v is string => typeof v === 'string' && allowed.includes(v));
    if (valid.length !== value.length) {
      warnings.push({ summary: `${file}: \`${key}\` has unknown values; allowed are ${allowed.join(', ')}.`, details: null, path: file });
    }
    return valid;
  };
  requirements.allowed_approval_policies = stringList('allowed_approval_policies', APPROVAL_POLICIES) as ApprovalPolicy[] | undefined;
  requirements.allowed_sandbox_modes = stringList('allowed_sandbox_modes', SANDBOX_MODES) as SandboxMode[] | undefined;
  if (isTable(table.features)) {
    requirements.features = Object.fromEntries(Object.entries(table.features).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'));
  }
  if (typeof table.allow_managed_hooks_only === 'boolean') requirements.allow_managed_hooks_only = table.allow_managed_hooks_only;
  if (isTable(table.hooks)) requirements.hooks = table.hooks;
  if (isTable(table.mcp_servers)) requirements.mcp_servers = table.mcp_servers as ConfigRequirementsToml['mcp_servers'];
  return requirements;
}

/** Forces the effective config into the requirements, warning about every value it had to change. */
export function applyRequirements(merged: Table, requirements: ConfigRequirementsToml, warnings: ConfigWarning[]): Table {
  const out: Table = { ...merged };
  const constrain = (key: 'approval_policy' | 'sandbox_mode', allowed: string[] | undefined) => {
    if (!allowed || allowed.length === 0) return;
    const current = out[key];
    const name = typeof current === 'string' ? current : isTable(current) ? Object.keys(current)[0] : String(current);
    if (allowed.includes(name)) return;
    out[key] = allowed[0];
    warnings.push(disallowedValueWarning(key, name, allowed, requirements.file));
  };
  constrain('approval_policy', requirements.allowed_approval_policies as string[] | undefined);
  constrain('sandbox_mode', requirements.allowed_sandbox_modes);
  if (requirements.features) {
    const features: Table = isTable(out.features) ? { ...out.features } : {};
    for (const [name, pinned] of Object.entries(requirements.features)) {
      if (features[name] !== undefined && features[name] !== pinned) {
        warnings.push({ summary: `features.${name} is pinned to ${pinned} by ${requirements.file}.`, details: null, path: requirements.file });
      }
      features[name] = pinned;
    }
    out.features = features;
  }
  if (requirements.mcp_servers && isTable(out.mcp_servers)) out.mcp_servers = allowedMcpServers(out.mcp_servers, requirements.mcp_servers, requirements.file, warnings);
  return out;
}

/**
 * `[mcp_servers.<name>]` in requirements.toml is an allowlist: other servers are
 * left out, and an `identity` (`command` or `url`) must match the configured one.
 */
function allowedMcpServers(servers: Table, allowed: NonNullable<ConfigRequirementsToml['mcp_servers']>, file: string, warnings: ConfigWarning[]): Table {
  const kept: Table = {};
  for (const [name, entry] of Object.entries(servers)) {
    const rule = allowed[name];
    const identity = isTable(rule) && isTable(rule.identity) ? rule.identity : null;
    const configured = isTable(entry) ? entry : {};
    const mismatch = identity && ((identity.command !== undefined && identity.command !== configured.command) || (identity.url !== undefined && identity.url !== configured.url));
    if (!rule || mismatch) {
      warnings.push({ summary: `MCP server "${name}" is disabled: ${rule ? 'its command or url differs from the one' : 'it is not'} allowed by ${file}.`, details: null, path: file });
      continue;
    }
    kept[name] = entry;
  }
  return kept;
}

/** The `ConfigRequirements` wire shape (fields we do not enforce are null). */
export function requirementsToWire(requirements: ConfigRequirementsToml): Record<string, unknown> {
  const nullFields = [
    'modelProvider', 'modelProviders', 'allowedLoginMethods', 'cliAuthCredentialsStore', 'chatgptBaseUrl',
    'additionalDeveloperInstructions', 'allowedWindowsSandboxImplementations', 'allowedPermissionProfiles',
    'defaultPermissions', 'allowedWebSearchModes', 'allowBrowserAndComputerUse', 'allowAppshots', 'allowRemoteControl',
    'computerUse', 'browserUse', 'inAppBrowser', 'enforceResidency', 'autoReview', 'models', 'sqliteHome', 'logDir',
    'modelCatalogJson', 'checkForUpdateOnStartup', 'allowLoginShell', 'feedback', 'otel',
  ];
  return {
    ...Object.fromEntries(nullFields.map((field) => [field, null])),
    allowedApprovalPolicies: requirements.allowed_approval_policies ?? null,
    allowedSandboxModes: requirements.allowed_sandbox_modes ?? null,
    allowManagedHooksOnly: requirements.allow_managed_hooks_only ?? null,
    featureRequirements: requirements.features ?? null,
  };
}

/** Prefix of the warning about a disallowed `key`, as the reference words it. */
export function disallowedValuePrefix(key: 'approval_policy' | 'sandbox_mode'): string {
  return `Configured value for \`${key}\` is disallowed by requirements`;
}

function disallowedValueWarning(key: 'approval_policy' | 'sandbox_mode', value: string, allowed: readonly string[], file: string): ConfigWarning {
  return {
    summary:
      `${disallowedValuePrefix(key)}; falling back to required value ${allowed[0]}. ` +
      `Details: invalid value for \`${key}\`: \`${value}\` is not in the allowed set [${allowed.join(', ')}] (set by ${file})`,
    details: null,
    path: file,
  };
}

/**
 * Constrains per-thread choices (e.g. `thread/start.approvalPolicy`, `sandbox`) to the
 * system requirements. Like the reference, a disallowed value is not an error: it
 * falls back to the first allowed one, with a warning for the client.
 * A granular approval policy (an object) counts as `granular`.
 */
export function enforceRequirements<A extends string | object>(
  choice: { approvalPolicy?: A | null; sandboxMode?: string | null },
  requirements: ConfigRequirementsToml | null,
): { approvalPolicy?: A | string | null; sandboxMode?: string | null; warnings: ConfigWarning[] } {
  const warnings: ConfigWarning[] = [];
  if (!requirements) return { ...choice, warnings };
  const fit = <T>(key: 'approval_policy' | 'sandbox_mode', value: T | null | undefined, allowed: readonly string[] | undefined): T | string | null | undefined => {
    if (value === null || value === undefined || !allowed || allowed.length === 0) return value;
    const name = typeof value === 'string' ? value : 'granular';
    if (allowed.includes(name)) return value;
    warnings.push(disallowedValueWarning(key, name, allowed, requirements.file));
    return allowed[0];
  };
  return {
    approvalPolicy: fit('approval_policy', choice.approvalPolicy, requirements.allowed_approval_policies as string[] | undefined),
    sandboxMode: fit('sandbox_mode', choice.sandboxMode, requirements.allowed_sandbox_modes),
    warnings,
  };
}
