/**
 * Pure model of the Hooks view: `hooks/list` entries grouped by event then
 * source, their trust state, last run (from `hook/completed`), the config
 * edits that trust/disable/enable them (the same `hooks.state` keys the
 * reference persists in the user's config.toml), and where each hook is
 * defined in its file. No `vscode` import.
 */
import type { ConfigEdit, HookTrustStatus } from '../../protocol';


/** The fields of the protocol's `HookMetadata` that the view uses. */
export interface HookInfo {
  key: string;
  eventName: string;
  matcher: string | null;
  sourcePath: string;
  source: string;
  pluginId?: string | null;
  displayOrder: number;
  enabled: boolean;
  isManaged: boolean;
  currentHash: string;
  trustStatus: HookTrustStatus;
  handlerType: string;
  command?: string;
  server?: string;
  tool?: string;
  statusMessage?: string | null;
  timeoutSec?: number;
}

export interface HookRunInfo {
  eventName: string;
  sourcePath: string;
  displayOrder: number;
  status: string;
  durationMs: number | null;
  completedAt: number | null;
  statusMessage: string | null;
}

type TrustState = 'trusted' | 'needsReview' | 'disabled' | 'managed';

const TRUST_STATE_LABEL: Record<TrustState, string> = {
  trusted: 'trusted',
  needsReview: 'needs review',
  disabled: 'disabled',
  managed: 'managed',
};

export function trustStateOf(hook: HookInfo): TrustState {
  if (hook.isManaged || hook.trustStatus === 'managed') return 'managed';
  if (!hook.enabled) return 'disabled';
  if (hook.trustStatus === 'trusted') return 'trusted';
  return 'needsReview';
}

/** Hooks that will not run until the user reviews and trusts them. */
export function needsReviewCount(hooks: readonly HookInfo[]): number {
  return hooks.filter((h) => trustStateOf(h) === 'needsReview').length;
}

/** `hook.<trustStatus>.<enabled|disabled>`, matched by the menus' `when` clauses. */
export function hookContextValue(hook: HookInfo): string {
  const trust = hook.isManaged ? 'managed' : hook.trustStatus;
  return `hook.${trust}.${hook.enabled ? 'enabled' : 'disabled'}`;
}

type SourceGroup = 'managed' | 'system' | 'user' | 'project' | 'plugin' | 'session' | 'other';
const SOURCE_ORDER: SourceGroup[] = ['managed', 'system', 'user', 'project', 'plugin', 'session', 'other'];

export function sourceGroupOf(hook: HookInfo): SourceGroup {
  if (hook.isManaged) return 'managed';
  switch (hook.source) {
    case 'mdm':
    case 'cloudRequirements':
    case 'cloudManagedConfig':
    case 'legacyManagedConfigFile':
    case 'legacyManagedConfigMdm':
      return 'managed';
    case 'system':
    case 'user':
    case 'project':
    case 'plugin':
      return hook.source;
    case 'sessionFlags':
      return 'session';
    default:
      return 'other';
  }
}

const EVENT_ORDER = [
  'sessionStart',
  'userPromptSubmit',
  'preModelRequest',
  'postModelRequest',
  'preToolUse',
  'permissionRequest',
  'postToolUse',
  'preCompact',
  'postCompact',
  'subagentStart',
  'subagentStop',
  'stop',
  'interrupt',
  'sessionEnd',
];

/** `preToolUse` → `PreToolUse`, the spelling users write in hooks.json. */
export function eventDisplayName(eventName: string): string {
  return eventName.charAt(0).toUpperCase() + eventName.slice(1);
}

export function runKey(run: { eventName: string; sourcePath: string; displayOrder: number | bigint }): string {
  return `${run.eventName}|${run.sourcePath}|${Number(run.displayOrder)}`;
}

export function hookCommandText(hook: HookInfo): string {
  switch (hook.handlerType) {
    case 'command':
      return hook.command ?? '';
    case 'mcpTool':
      return `${hook.server ?? '?'}/${hook.tool ?? '?'} (MCP tool)`;
    default:
      return `(${hook.handlerType} hook)`;
  }
}

export function formatDuration(ms: number | null): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

function lastRunText(run: HookRunInfo | undefined): string | undefined {
  if (!run) return undefined;
  const duration = formatDuration(run.durationMs);
  return duration ? `${run.status} in ${duration}` : run.status;
}

export type HookNode =
  | { kind: 'event'; eventName: string; label: string; needsReview: number; children: HookNode[] }
  | { kind: 'source'; source: SourceGroup; label: string; children: HookNode[] }
  | {
      kind: 'hook';
      hook: HookInfo;
      label: string;
      description: string;
      trust: TrustState;
      contextValue: string;
      lastRun?: HookRunInfo;
      tooltip: string;
    }
  | { kind: 'message'; text: string; severity: 'warning' | 'error' | 'info' | 'loading' }
  /** Shown under a load failure: runs `codex.hooks.refresh`. */
  | { kind: 'retry'; label: string };

/** Event → source → hooks, in a stable order, plus warnings and load errors. */
export function buildHookTree(
  hooks: readonly HookInfo[],
  runs: ReadonlyMap<string, HookRunInfo>,
  problems: { warnings?: string[]; errors?: { path: string; message: string }[] } = {},
): HookNode[] {
  const roots: HookNode[] = [];
  for (const error of problems.errors ?? []) roots.push({ kind: 'message', severity: 'error', text: `${error.path}: ${error.message}` });
  for (const warning of problems.warnings ?? []) roots.push({ kind: 'message', severity: 'warning', text: warning });

  const byEvent = new Map<string, HookInfo[]>();
  for (const hook of hooks) {
    if (!byEvent.has(hook.eventName)) byEvent.set(hook.eventName, []);
    byEvent.get(hook.eventName)!.push(hook);
  }
  const eventRank = (e: string) => (EVENT_ORDER.includes(e) ? EVENT_ORDER.indexOf(e) : EVENT_ORDER.length);
  const events = [...byEvent.keys()].sort((a, b) => eventRank(a) - eventRank(b) || a.localeCompare(b));
  for (const eventName of events) {
    const eventHooks = byEvent.get(eventName)!;
    const bySource = new Map<SourceGroup, HookInfo[]>();
    for (const hook of eventHooks) {
      const group = sourceGroupOf(hook);
      if (!bySource.has(group)) bySource.set(group, []);
      bySource.get(group)!.push(hook);
    }
    const sourceNodes: HookNode[] = SOURCE_ORDER.filter((s) => bySource.has(s)).map((source) => ({
      kind: 'source',
      source,
      label: source,
      children: bySource
        .get(source)!
        .sort((a, b) => a.displayOrder - b.displayOrder)
        .map((hook) => hookNode(hook, runs.get(runKey(hook)))),
    }));
    roots.push({ kind: 'event', eventName, label: eventDisplayName(eventName), needsReview: needsReviewCount(eventHooks), children: sourceNodes });
  }
  if (hooks.length === 0 && roots.length === 0) roots.push({ kind: 'message', severity: 'info', text: 'No hooks configured' });
  return roots;
}

function hookNode(hook: HookInfo, lastRun: HookRunInfo | undefined): HookNode {
  const trust = trustStateOf(hook);
  const command = hookCommandText(hook);
  const matcher = hook.matcher ? `[${hook.matcher}] ` : '';
  const parts = [TRUST_STATE_LABEL[trust]];
  if (hook.trustStatus === 'modified' && trust === 'needsReview') parts[0] = 'needs review (changed)';
  const run = lastRunText(lastRun);
  if (run) parts.push(`last: ${run}`);
  const tooltip = [
    `${eventDisplayName(hook.eventName)} hook (${sourceGroupOf(hook)})`,
    `Matcher: ${hook.matcher ?? '(any)'}`,
    `Command: ${command}`,
    `Trust: ${parts[0]}`,
    `Defined in: ${hook.sourcePath}`,
    run ? `Last run: ${run}${lastRun?.statusMessage ? ` — ${lastRun.statusMessage}` : ''}` : 'Not run yet in this session',
  ].join('\n');
  return {
    kind: 'hook',
    hook,
    label: `${matcher}${command}`,
    description: parts.join(' · '),
    trust,
    contextValue: hookContextValue(hook),
    lastRun,
    tooltip,
  };
}

/** A TOML key path segment, quoted (hook keys contain `/`, `:` and `.`). */
export function tomlQuotedKey(key: string): string {
  return `"${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Trusting records the hook's current content hash; a later edit makes it "modified". */
export function trustEdits(hook: HookInfo): ConfigEdit[] {
  const edits: ConfigEdit[] = [{ keyPath: `hooks.state.${tomlQuotedKey(hook.key)}.trusted_hash`, value: hook.currentHash, mergeStrategy: 'upsert' }];
  return edits;
}

export function enabledEdits(hook: HookInfo, enabled: boolean): ConfigEdit[] {
  return [{ keyPath: `hooks.state.${tomlQuotedKey(hook.key)}.enabled`, value: enabled, mergeStrategy: 'upsert' }];
}

/** The event part of a hook key (`…/hooks.json:pre_tool_use:0:1`), with its group and handler indexes. */
function parseHookKey(key: string): { event: string; group: number; handler: number } | undefined {
  const match = /:([a-z_]+):(\d+):(\d+)$/.exec(key);
  if (!match) return undefined;
  return { event: match[1], group: Number(match[2]), handler: Number(match[3]) };
}

/** `pre_tool_use` → `PreToolUse`. */
function pascalCase(snake: string): string {
  return snake
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * 0-based line where a hook is defined: the command line of the n-th handler
 * of the n-th matcher group of its event, in a hooks.json or a config.toml
 * `[hooks]` table. Falls back to the event's line, then to 0.
 */
export function findHookDefinitionLine(fileText: string, hook: HookInfo): number {
  const lines = fileText.split(/\r?\n/);
  const parsed = parseHookKey(hook.key);
  const eventName = parsed ? pascalCase(parsed.event) : eventDisplayName(hook.eventName);
  const isToml = /\.toml$/i.test(hook.sourcePath);
  const eventPattern = isToml ? new RegExp(`^\\s*\\[\\[\\s*hooks\\.${eventName}\\s*\\]\\]`) : new RegExp(`"${eventName}"\\s*:`);
  const eventLine = lines.findIndex((line) => eventPattern.test(line));
  if (eventLine < 0) return 0;
  const command = hook.command;
  if (!command) return eventLine;
  const commandNeedles = [JSON.stringify(command), `'${command}'`, command];
  if (isToml) {
    // Walk `[[hooks.Event]]` groups then `[[hooks.Event.hooks]]` handlers.
    const groupHeader = new RegExp(`^\\s*\\[\\[\\s*hooks\\.${eventName}\\s*\\]\\]`);
    const handlerHeader = new RegExp(`^\\s*\\[\\[\\s*hooks\\.${eventName}\\.hooks\\s*\\]\\]`);
    let group = -1;
    let handler = -1;
    for (let i = 0; i < lines.length; i++) {
      if (groupHeader.test(lines[i])) {
        group++;
        handler = -1;
      } else if (handlerHeader.test(lines[i])) handler++;
      else if (group === (parsed?.group ?? group) && handler === (parsed?.handler ?? handler) && commandNeedles.some((n) => lines[i].includes(n))) return i;
    }
  }
  // JSON: the n-th `"command"` line after the event key, n counting the
  // command handlers of earlier matcher groups (read from the parsed file).
  const wanted = parsed && !isToml ? commandHandlersBefore(fileText, eventName, parsed.group, parsed.handler) : undefined;
  let seen = 0;
  for (let i = eventLine; i < lines.length; i++) {
    if (!/"command"\s*:|^\s*command\s*=/.test(lines[i])) continue;
    if (wanted === undefined ? commandNeedles.some((n) => lines[i].includes(n)) : seen === wanted) return i;
    seen++;
  }
  return eventLine;
}

function commandHandlersBefore(jsonText: string, eventName: string, group: number, handler: number): number | undefined {
  try {
    const groups: { hooks?: { command?: unknown }[] }[] = JSON.parse(jsonText)?.hooks?.[eventName];
    if (!Array.isArray(groups)) return undefined;
    let count = 0;
    for (let g = 0; g <= group && g < groups.length; g++) {
      const handlers = groups[g]?.hooks ?? [];
      const upTo = g === group ? handler : handlers.length;
      for (let h = 0; h < upTo && h < handlers.length; h++) if (typeof handlers[h]?.command === 'string') count++;
    }
    return count;
  } catch {
    return undefined; // unparseable: fall back to matching the command text
  }
}
