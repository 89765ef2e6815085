/**
 * Loads hooks with `hooks/list`, remembers each hook's last run from
 * `hook/started` / `hook/completed`, and changes trust and enablement the way
 * the reference does: `config/batchWrite` of `hooks.state."<key>"` in the
 * user's config.toml. No `vscode` import.
 */
import {
  buildHookTree,
  enabledEdits,
  needsReviewCount,
  runKey,
  trustEdits,
  type ConfigEdit,
  type HookInfo,
  type HookNode,
  type HookRunInfo,
} from './hookModel';

export type Requester = <T = any>(method: string, params?: unknown) => Promise<T>;

interface HooksListResponse {
  data: { cwd: string; hooks: HookInfo[]; warnings: string[]; errors: { path: string; message: string }[] }[];
}

export class HookListModel {
  private hookList: HookInfo[] = [];
  private warnings: string[] = [];
  private errors: { path: string; message: string }[] = [];
  private readonly runs = new Map<string, HookRunInfo>();
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

  find(key: string): HookInfo | undefined {
    return this.hookList.find((h) => h.key === key);
  }

  async refresh(): Promise<void> {
    try {
      const response = await this.request<HooksListResponse>('hooks/list', { cwds: this.cwds() });
      const byKey = new Map<string, HookInfo>();
      const warnings = new Set<string>();
      const errors = new Map<string, { path: string; message: string }>();
      for (const entry of response.data) {
        for (const hook of entry.hooks) if (!byKey.has(hook.key)) byKey.set(hook.key, { ...hook, displayOrder: Number(hook.displayOrder) });
        for (const w of entry.warnings) warnings.add(w);
        for (const e of entry.errors) errors.set(`${e.path}\n${e.message}`, e);
      }
      this.hookList = [...byKey.values()];
      this.warnings = [...warnings];
      this.errors = [...errors.values()];
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    }
    this.onChange();
  }

  /** Records a run from `hook/started` or `hook/completed`. */
  applyNotification(method: string, params: any): boolean {
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
    const tree = buildHookTree(this.hookList, this.runs, { warnings: this.warnings, errors: this.errors });
    return this.lastError ? [{ kind: 'message', severity: 'error', text: `Could not list hooks: ${this.lastError}` }, ...tree] : tree;
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
