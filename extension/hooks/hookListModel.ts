/**
 * Loads hooks with `hooks/list`, remembers each hook's last run from
 * `hook/started` / `hook/completed`, and changes trust and enablement the way
 * the reference does: `config/batchWrite` of `hooks.state."<key>"` in the
 * user's config.toml. No `vscode` import.
 */
import { buildHookTree, enabledEdits, needsReviewCount, runKey, trustEdits, type HookInfo, type HookNode, type HookRunInfo } from './hookModel';
import type { ClientResult, NotificationArgs, ConfigEdit } from '../../protocol';
import type { Requester } from '../services';

type HooksListResponse = ClientResult<'hooks/list'>;

/**
 * Where the list stands. Until the first answer the view says it is waiting or
 * loading, never "No hooks configured": an empty list is only shown once the
 * server said so, and a failure is shown as a failure (with a Retry).
 */
export type HookListStatus = 'waitingForServer' | 'loading' | 'loaded' | 'failed';

export class HookListModel {
  private hookList: HookInfo[] = [];
  private warnings: string[] = [];
  private errors: { path: string; message: string }[] = [];
  private readonly runs = new Map<string, HookRunInfo>();
  /** True once a `hooks/list` answer arrived (the list may still be empty). */
  private loaded = false;
  private serverReady = false;
  /** Requests in flight; only the newest one's answer (or error) is kept. */
  private latestRequest = 0;
  private pendingRequests = 0;
  lastError: string | undefined;

  constructor(
    private readonly request: Requester,
    private readonly cwds: () => string[],
    private readonly onChange: () => void = () => undefined,
  ) {}

  get hooks(): readonly HookInfo[] {
    return this.hookList;
  }

  get needsReview(): number {
    return needsReviewCount(this.hookList);
  }

  get status(): HookListStatus {
    if (this.lastError !== undefined) return 'failed';
    if (this.loaded) return 'loaded';
    return this.serverReady || this.pendingRequests > 0 ? 'loading' : 'waitingForServer';
  }

  /** True while a `hooks/list` request is in flight. */
  get isLoading(): boolean {
    return this.pendingRequests > 0;
  }

  find(key: string): HookInfo | undefined {
    return this.hookList.find((h) => h.key === key);
  }

  /**
   * Follows the connection: the list loads as soon as the server is ready
   * (first start and every restart, since the server re-reads its config).
   * A server that died or could not start before the first answer is a
   * failure to load, said as such; a list already shown stays meanwhile.
   */
  setServerReady(ready: boolean, downReason?: string): Promise<void> {
    const changed = this.serverReady !== ready || (!this.loaded && downReason !== undefined && this.lastError !== downReason);
    this.serverReady = ready;
    if (ready) return this.refresh();
    if (!this.loaded && downReason !== undefined && this.pendingRequests === 0) this.lastError = downReason;
    if (changed) this.onChange();
    return Promise.resolve();
  }

  async refresh(): Promise<void> {
    const requestId = ++this.latestRequest;
    this.pendingRequests++;
    this.onChange();
    try {
      const response = await this.request('hooks/list', { cwds: this.cwds() });
      // An older request answered after a newer one was sent: its list may predate a file change.
      if (requestId !== this.latestRequest) return;
      this.apply(response);
    } catch (error) {
      if (requestId !== this.latestRequest) return;
      this.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      this.pendingRequests--;
      this.onChange();
    }
  }

  private apply(response: HooksListResponse): void {
    if (!response || !Array.isArray(response.data)) throw new Error('the server sent no hook list');
    const byKey = new Map<string, HookInfo>();
    const warnings = new Set<string>();
    const errors = new Map<string, { path: string; message: string }>();
    for (const entry of response.data) {
      for (const hook of entry.hooks ?? []) if (!byKey.has(hook.key)) byKey.set(hook.key, { ...hook, displayOrder: Number(hook.displayOrder) });
      for (const w of entry.warnings ?? []) warnings.add(w);
      for (const e of entry.errors ?? []) errors.set(`${e.path}\n${e.message}`, e);
    }
    this.hookList = [...byKey.values()];
    this.warnings = [...warnings];
    this.errors = [...errors.values()];
    this.lastError = undefined;
    this.loaded = true;
  }

  /** Records a run from `hook/started` or `hook/completed`. */
  applyNotification(...[method, params]: NotificationArgs): boolean {
    if ((method !== 'hook/completed' && method !== 'hook/started') || !params?.run) return false;
    const run = params.run;
    this.runs.set(runKey(run), {
      eventName: run.eventName,
      sourcePath: run.sourcePath,
      displayOrder: Number(run.displayOrder),
      status: run.status,
      durationMs: run.durationMs === null || run.durationMs === undefined ? null : Number(run.durationMs),
      completedAt: run.completedAt === null || run.completedAt === undefined ? null : Number(run.completedAt),
      statusMessage: run.statusMessage ?? null,
    });
    this.onChange();
    return true;
  }

  lastRunOf(hook: HookInfo): HookRunInfo | undefined {
    return this.runs.get(runKey(hook));
  }

  nodes(): HookNode[] {
    switch (this.status) {
      case 'waitingForServer':
        return [{ kind: 'message', severity: 'loading', text: 'Waiting for the Codex server…' }];
      case 'loading':
        return [{ kind: 'message', severity: 'loading', text: 'Loading hooks…' }];
      case 'failed': {
        const failure: HookNode[] = [
          { kind: 'message', severity: 'error', text: `Could not load hooks: ${this.lastError}` },
          { kind: 'retry', label: this.isLoading ? 'Retrying…' : 'Retry' },
        ];
        // What loaded before stays visible (it may be stale), but an error is never "No hooks configured".
        const previous = this.loaded ? this.tree().filter((node) => !(node.kind === 'message' && node.severity === 'info')) : [];
        return [...failure, ...previous];
      }
      case 'loaded':
        return this.tree();
    }
  }

  private tree(): HookNode[] {
    return buildHookTree(this.hookList, this.runs, { warnings: this.warnings, errors: this.errors });
  }

  trust(hook: HookInfo): Promise<void> {
    // Trusting a disabled hook is a separate decision from enabling it; keep them apart.
    return this.write(trustEdits(hook));
  }

  setEnabled(hook: HookInfo, enabled: boolean): Promise<void> {
    return this.write(enabledEdits(hook, enabled));
  }

  private async write(edits: ConfigEdit[]): Promise<void> {
    await this.request('config/batchWrite', { edits, reloadUserConfig: true });
    await this.refresh();
  }
}
