/**
 * What a finished hook command means, per event:
 * - exit 0: stdout may be JSON (`systemMessage`, `continue`/`stopReason`,
 *   `decision`/`reason`, `hookSpecificOutput`…); SessionStart's plain stdout
 *   is developer context;
 * - exit 2: stderr is the reason and the action is blocked (PermissionRequest: denied);
 * - any other exit, a timeout, or malformed JSON: the run failed, nothing is blocked.
 */
import { isTable, type Table } from '../config/toml';
import type { HookOutputEntry, HookRunStatus } from '../../protocol/hooks';
import type { HookEventInfo } from './discovery';
import type { CommandResult } from './runner';

export interface HookOutcome {
  status: HookRunStatus;
  entries: HookOutputEntry[];
  blocked: boolean;
  reason?: string;
  additionalContext: string[];
  systemMessages: string[];
  permission?: { decision: 'allow' | 'deny'; reason?: string };
}

const trimmed = (text: unknown): string | undefined => (typeof text === 'string' && text.trim() ? text.trim() : undefined);

function parseJsonObject(stdout: string): Table | null | 'invalid' {
  const text = stdout.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return null;
  try {
    const value = JSON.parse(text);
    return isTable(value) ? value : 'invalid';
  } catch {
    return 'invalid';
  }
}

export function interpretResult(event: HookEventInfo, result: CommandResult): HookOutcome {
  const outcome: HookOutcome = { status: 'completed', entries: [], blocked: false, additionalContext: [], systemMessages: [] };
  const fail = (text: string) => {
    outcome.status = 'failed';
    outcome.entries.push({ kind: 'error', text });
    return outcome;
  };
  const block = (reason: string) => {
    outcome.status = 'blocked';
    outcome.blocked = true;
    outcome.reason ??= reason;
    outcome.entries.push({ kind: 'feedback', text: reason });
  };
  const addContext = (context: unknown) => {
    const text = trimmed(context);
    if (!text) return;
    outcome.additionalContext.push(text);
    outcome.entries.push({ kind: 'context', text });
  };

  if (result.error) return fail(result.error);
  if (result.exitCode === 2) {
    const reason = trimmed(result.stderr);
    if (!reason) return fail(`${event.config} hook exited with code 2 but did not write a reason to stderr`);
    if (event.config === 'PermissionRequest') {
      outcome.permission = { decision: 'deny', reason };
      outcome.status = 'blocked';
      outcome.entries.push({ kind: 'feedback', text: reason });
    } else if (event.config === 'SessionStart') {
      // SessionStart cannot block; the reason is shown.
      outcome.systemMessages.push(reason);
      outcome.entries.push({ kind: 'warning', text: reason });
    } else block(reason);
    return outcome;
  }
  if (result.exitCode !== 0) return fail(result.exitCode === null ? 'hook exited without a status code' : `hook exited with code ${result.exitCode}`);

  const json = parseJsonObject(result.stdout);
  if (json === 'invalid') return fail(`hook returned invalid ${event.config} JSON output`);
  if (json === null) {
    if (event.config === 'SessionStart') addContext(result.stdout);
    return outcome;
  }

  const systemMessage = trimmed(json.systemMessage);
  if (systemMessage) {
    outcome.systemMessages.push(systemMessage);
    outcome.entries.push({ kind: 'warning', text: systemMessage });
  }
  const specific = isTable(json.hookSpecificOutput) ? json.hookSpecificOutput : {};

  // `continue: false` stops the turn (not meaningful before a tool runs or for an approval).
  if (json.continue === false && event.config !== 'PreToolUse' && event.config !== 'PermissionRequest') {
    const reason = trimmed(json.stopReason) ?? `${event.config} hook stopped processing`;
    outcome.status = 'stopped';
    outcome.blocked = true;
    outcome.reason = reason;
    outcome.entries.push({ kind: 'stop', text: reason });
    return outcome;
  }

  switch (event.config) {
    case 'SessionStart':
      addContext(specific.additionalContext);
      break;
    case 'PreToolUse': {
      const decision = specific.permissionDecision;
      if (decision === 'deny') {
        const reason = trimmed(specific.permissionDecisionReason);
        if (!reason) return fail('PreToolUse hook returned permissionDecision:deny without a non-empty permissionDecisionReason');
        addContext(specific.additionalContext);
        block(reason);
      } else if (decision === 'allow' || decision === 'ask') {
        return fail(`PreToolUse hook returned unsupported permissionDecision:${decision}`);
      } else if (json.decision === 'block') {
        const reason = trimmed(json.reason);
        if (!reason) return fail('PreToolUse hook returned decision:block without a non-empty reason');
        addContext(specific.additionalContext);
        block(reason);
      } else {
        addContext(specific.additionalContext);
      }
      break;
    }
    case 'PermissionRequest': {
      const decision = isTable(specific.decision) ? specific.decision : null;
      if (decision?.behavior === 'allow') outcome.permission = { decision: 'allow' };
      else if (decision?.behavior === 'deny') {
        const reason = trimmed(decision.message) ?? 'PermissionRequest hook denied approval';
        outcome.permission = { decision: 'deny', reason };
        outcome.status = 'blocked';
        outcome.entries.push({ kind: 'feedback', text: reason });
      } else if (decision) return fail('PermissionRequest hook returned a decision without behavior "allow" or "deny"');
      break;
    }
    case 'UserPromptSubmit':
    case 'PostToolUse':
    case 'Stop': {
      if (json.decision === 'block') {
        const reason = trimmed(json.reason);
        if (!reason) return fail(`${event.config} hook returned decision:block without a non-empty reason`);
        block(reason);
      }
      if (event.config !== 'Stop') addContext(specific.additionalContext);
      break;
    }
  }
  return outcome;
}
