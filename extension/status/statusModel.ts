/**
 * What the Codex status bar item says: connection state, model, and the
 * current thread's token usage. Pure: fed by server notifications, read by
 * the `vscode` adapter in `statusBar.ts`.
 */
import type { NotificationArgs, ThreadTokenUsage } from '../../protocol';
import type { ConnectionState } from '../services';
import { agree } from '../../shared/plural';

/** 950 → "950", 12_345 → "12.3k", 2_000_000 → "2M". */
export function compactNumber(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${trimZero((n / 1000).toFixed(n < 100_000 ? 1 : 0))}k`;
  return `${trimZero((n / 1_000_000).toFixed(1))}M`;
}

function trimZero(s: string): string {
  return s.replace(/\.0$/, '');
}

interface StatusView {
  text: string;
  tooltip: string;
  /** 'error' when disconnected, 'warning' when the context window is nearly full. */
  severity: 'none' | 'warning' | 'error';
}

export class StatusModel {
  connection: ConnectionState = 'starting';
  defaultModel: string | undefined;
  currentThreadId: string | undefined;
  private readonly models = new Map<string, string>();
  private readonly usage = new Map<string, ThreadTokenUsage>();

  /** Applies a server notification; returns true when the status changed. */
  applyNotification(...[method, params]: NotificationArgs): boolean {
    switch (method) {
      case 'thread/started':
        if (params?.thread?.model) this.models.set(params.thread.id, params.thread.model);
        return params?.thread?.id === this.currentThreadId;
      case 'thread/settings/updated':
        if (params?.threadSettings?.model) this.models.set(params.threadId, params.threadSettings.model);
        return params?.threadId === this.currentThreadId;
      case 'model/rerouted':
        if (params?.toModel) this.models.set(params.threadId, params.toModel);
        return params?.threadId === this.currentThreadId;
      case 'thread/tokenUsage/updated':
        if (!params?.threadId || !params.tokenUsage) return false;
        this.usage.set(params.threadId, params.tokenUsage);
        return params.threadId === this.currentThreadId;
      default:
        return false;
    }
  }

  knowsModelOf(threadId: string): boolean {
    return this.models.has(threadId);
  }

  setThreadModel(threadId: string, model: string): void {
    this.models.set(threadId, model);
  }

  get model(): string | undefined {
    return (this.currentThreadId && this.models.get(this.currentThreadId)) || this.defaultModel;
  }

  get currentUsage(): ThreadTokenUsage | undefined {
    return this.currentThreadId ? this.usage.get(this.currentThreadId) : undefined;
  }

  view(): StatusView {
    switch (this.connection) {
      case 'starting':
        return { text: '$(sync~spin) Codex', tooltip: 'Codex: starting the app-server…', severity: 'none' };
      case 'disconnected':
        return { text: '$(debug-disconnect) Codex', tooltip: 'Codex: disconnected from the app-server. Run "Codex: Restart Server".', severity: 'error' };
      case 'stopped':
        return { text: '$(circle-slash) Codex', tooltip: 'Codex: the app-server is stopped.', severity: 'error' };
    }
    const parts = ['$(hubot) Codex'];
    const tooltip = ['Codex: connected'];
    if (this.model) {
      parts.push(this.model);
      tooltip.push(`Model: ${this.model}`);
    }
    let severity: StatusView['severity'] = 'none';
    const usage = this.currentUsage;
    if (usage) {
      // The context in use is the last request's input plus its output; the total is what the thread has spent.
      const window = usage.modelContextWindow;
      const inContext = usage.last.totalTokens;
      if (window) {
        const percent = Math.min(100, Math.round((inContext / window) * 100));
        parts.push(`${compactNumber(inContext)}/${compactNumber(window)} (${percent}%)`);
        if (percent >= 90) severity = 'warning';
      } else {
        parts.push(`${compactNumber(usage.total.totalTokens)} ${agree(usage.total.totalTokens, 'token', 'tokens')}`);
      }
      tooltip.push(
        `Thread tokens: ${usage.total.totalTokens.toLocaleString('en-US')} total (${usage.total.inputTokens.toLocaleString('en-US')} in, ${usage.total.outputTokens.toLocaleString('en-US')} out)`,
      );
      if (window) tooltip.push(`Context: ${inContext.toLocaleString('en-US')} of ${window.toLocaleString('en-US')} tokens`);
    } else if (this.currentThreadId) {
      tooltip.push('No token usage reported yet for this thread');
    }
    tooltip.push('Click to open the chat');
    return { text: parts.join(' · '), tooltip: tooltip.join('\n'), severity };
  }
}
