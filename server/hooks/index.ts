import path from 'node:path';
import type { NamespaceModule } from '../core/appServer';
import { loadLayerStack, hooksFeatureEnabled } from '../config/loader';
import { HooksListParams, type HooksListEntry } from '../../protocol/hooks';
import { installLifecycleHooks } from '../turn/lifecycleHooks';
import { threadManagerOf } from '../thread/manager';
import { discoverHooks } from './discovery';
import { HooksEngine } from './engine';

/** Lists the hooks that apply in a cwd, with their trust state. */
export function listHooksFor(codexHome: string, overrides: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): HooksListEntry {
  const stack = loadLayerStack(codexHome, overrides, { cwd, env });
  const discovered = discoverHooks(stack);
  const warnings = [...discovered.warnings];
  if (!hooksFeatureEnabled(stack.merged)) warnings.unshift('hooks are turned off (features.hooks = false); none of these run');
  return { cwd: stack.cwd, hooks: discovered.hooks, warnings, errors: discovered.errors };
}

/**
 * `hooks/list`, and the lifecycle hooks engine the turn loop calls. Trusting,
 * disabling and enabling a hook are config writes to `hooks.state."<key>"`
 * (`trusted_hash`, `enabled`) through `config/batchWrite`, as with the reference.
 */
export const hooksModule: NamespaceModule = (registry, server) => {
  installLifecycleHooks(
    new HooksEngine({
      codexHome: server.codexHome,
      configOverrides: server.options.configOverrides,
      sessionConfigOf: (threadId) => threadManagerOf(server).findLoaded(threadId)?.sessionConfig,
    }),
  );

  registry.register('hooks/list', HooksListParams, (params): { data: HooksListEntry[] } => {
    const overrides = server.options.configOverrides;
    if (params.threadId) {
      const thread = threadManagerOf(server).getLoaded(params.threadId);
      return { data: [listHooksFor(server.codexHome, overrides, thread.cwd)] };
    }
    const cwds = params.cwds && params.cwds.length ? params.cwds : [process.cwd()];
    return { data: cwds.map((cwd) => listHooksFor(server.codexHome, overrides, path.resolve(cwd))) };
  });
};
