/**
 * `experimentalFeature/list` and `experimentalFeature/enablement/set`: the `[features]` flags
 * THIS server honours (not the reference's catalogue: listing flags we ignore would mislead).
 * `enablement/set` is process-wide and runtime-only, as in the reference: it becomes a
 * `-c features.<name>=<bool>` override, so every later config load (threads, hooks) sees it;
 * config.toml is not touched. Unknown names are left out of the answer, as the reference does.
 */
import type { NamespaceModule } from '../core/appServer';
import type { ExperimentalFeature, ExperimentalFeatureStage } from '../../protocol/features';
import { ExperimentalFeatureEnablementSetParams, ExperimentalFeatureListParams } from '../../protocol/features';
import { decodeCursor, encodeCursor } from '../rpc/cursor';
import { effectiveConfigFor } from '../thread/settings';
import { threadManagerOf } from '../thread/manager';

interface FeatureFlag {
  name: string;
  stage: ExperimentalFeatureStage;
  defaultEnabled: boolean;
}

/** Every flag the server reads (server/config/loader.ts `hooksFeatureEnabled`, server/hooks/discovery.ts). */
const FEATURE_FLAGS: FeatureFlag[] = [
  { name: 'hooks', stage: 'stable', defaultEnabled: true },
  { name: 'plugin_hooks', stage: 'underDevelopment', defaultEnabled: false },
];

const DEFAULT_PAGE = 100;
const isOffset = (value: unknown): value is { offset: number } =>
  typeof value === 'object' && value !== null && Number.isInteger((value as { offset: unknown }).offset) && (value as { offset: number }).offset >= 0;

export const experimentalFeatureModule: NamespaceModule = (registry, server) => {
  registry.register('experimentalFeature/list', ExperimentalFeatureListParams, (params) => {
    const cwd = params.threadId ? threadManagerOf(server).getLoaded(params.threadId).cwd : process.cwd();
    const configured = effectiveConfigFor(server, null, cwd).features ?? {};
    const all: ExperimentalFeature[] = FEATURE_FLAGS.map((flag) => ({
      name: flag.name,
      stage: flag.stage,
      displayName: null,
      description: null,
      announcement: null,
      enabled: typeof configured[flag.name] === 'boolean' ? configured[flag.name] : flag.defaultEnabled,
      defaultEnabled: flag.defaultEnabled,
    }));
    const start = params.cursor ? decodeCursor(params.cursor, isOffset).offset : 0;
    const end = start + Math.max(1, params.limit ?? DEFAULT_PAGE);
    return { data: all.slice(start, end), nextCursor: end < all.length ? encodeCursor({ offset: end }) : null };
  });

  registry.register('experimentalFeature/enablement/set', ExperimentalFeatureEnablementSetParams, (params) => {
    const overrides = server.options.configOverrides;
    const updated: Record<string, boolean> = {};
    for (const [name, enabled] of Object.entries(params.enablement)) {
      if (!FEATURE_FLAGS.some((flag) => flag.name === name)) continue;
      // In place: the hooks engine and config loads hold this very array.
      for (let i = overrides.length - 1; i >= 0; i--) if (overrides[i].startsWith(`features.${name}=`)) overrides.splice(i, 1);
      overrides.push(`features.${name}=${enabled}`);
      updated[name] = enabled;
    }
    return { enablement: updated };
  });
};
