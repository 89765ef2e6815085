/** `skills/list`, `skills/config/write`, `skills/extraRoots/set` and the `skills/changed` notification. */
import path from 'node:path';
import type { NamespaceModule } from '../core/appServer';
import { loadLayerStack } from '../config/loader';
import { ErrorCode, invalidParams, invalidRequest, RpcError } from '../rpc/errors';
import { SkillsConfigWriteParams, SkillsExtraRootsSetParams, SkillsListParams, type SkillsListEntry } from '../../protocol/skills';
import { threadManagerOf } from '../thread/manager';
import { isSkillEnabled, SkillConfigError, writeSkillEnabled } from './enablement';
import { parseSkillFile } from './parse';
import { skillsServiceOf } from './service';

export const skillsModule: NamespaceModule = (registry, server) => {
  const service = skillsServiceOf(server);
  threadManagerOf(server).onLoaded((thread) => service.watchFor(thread.cwd, thread.sessionConfig));

  registry.register('skills/list', SkillsListParams, (params): { data: SkillsListEntry[] } => {
    const cwds = params.cwds && params.cwds.length ? params.cwds : [process.cwd()];
    return { data: cwds.map((cwd) => service.forCwd(path.resolve(cwd)).entry) };
  });

  registry.register('skills/config/write', SkillsConfigWriteParams, (params) => {
    const hasPath = typeof params.path === 'string' && params.path !== '';
    const hasName = typeof params.name === 'string' && params.name !== '';
    if (hasPath === hasName) throw invalidParams('skills/config/write requires exactly one of path or name');
    if (hasPath && !path.isAbsolute(params.path!)) throw invalidRequest(`path must be absolute: ${params.path}`);
    const selector = hasPath ? { path: params.path! } : { name: params.name! };
    try {
      writeSkillEnabled(server.codexHome, selector, params.enabled);
    } catch (error) {
      if (error instanceof SkillConfigError) throw invalidRequest(error.message);
      throw new RpcError(ErrorCode.InternalError, `could not write config.toml: ${(error as Error).message}`);
    }
    // What the config now says for that skill (another rule may still decide otherwise).
    const merged = loadLayerStack(server.codexHome, server.options.configOverrides).merged;
    let name = params.name ?? '';
    if (hasPath) {
      try {
        name = parseSkillFile(params.path!).name;
      } catch {
        name = '';
      }
    }
    return { effectiveEnabled: isSkillEnabled(merged, { name, path: params.path ?? '' }) };
  });

  registry.register('skills/extraRoots/set', SkillsExtraRootsSetParams, (params) => {
    const relative = params.extraRoots.find((root) => !path.isAbsolute(root));
    if (relative !== undefined) throw invalidRequest(`extraRoots must be absolute paths, got ${JSON.stringify(relative)}`);
    service.extraRoots = params.extraRoots.map((root) => path.resolve(root));
    return {};
  });
};
