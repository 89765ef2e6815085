/**
 * The server's skills state (extra roots, file watcher) and the one place
 * that turns a cwd into its skills: `skills/list` and the turn engine both
 * ask here. Skills are re-read from disk on every call (a scan is a few
 * directory reads), so `forceReload` and file changes need no cache upkeep.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppServer } from '../core/appServer';
import { loadLayerStack } from '../config/loader';
import type { SkillMetadata, SkillsListEntry } from '../../protocol/skills';
import { discoverSkills, skillRoots, type DiscoveredSkill } from './discovery';
import { isSkillEnabled } from './enablement';
import { skillsInstructions } from './instructions';
import { SkillsWatcher } from './watcher';

interface ThreadSkills {
  entry: SkillsListEntry;
  /** Enabled skills with their roots, for the instructions list. */
  enabled: DiscoveredSkill[];
  rootOrder: string[];
}

export class SkillsService {
  extraRoots: string[] = [];
  readonly watcher: SkillsWatcher;

  constructor(private readonly server: AppServer) {
    this.watcher = new SkillsWatcher(() => {
      for (const session of server.sessions) session.notify('skills/changed', {});
    });
    server.onDispose(() => this.watcher.close());
  }

  forCwd(cwd: string, sessionConfig?: Record<string, unknown> | null): ThreadSkills {
    const stack = loadLayerStack(this.server.codexHome, this.server.options.configOverrides, { cwd, sessionConfig: sessionConfig ?? undefined });
    const roots = skillRoots(this.server.codexHome, stack, this.extraRoots);
    const found = discoverSkills(roots);
    const enabled: DiscoveredSkill[] = [];
    const skills: SkillMetadata[] = found.skills.map((skill) => {
      const on = isSkillEnabled(stack.merged, skill);
      if (on) enabled.push(skill);
      return {
        name: skill.name,
        description: skill.description,
        ...(skill.shortDescription ? { shortDescription: skill.shortDescription } : {}),
        ...(skill.interface ? { interface: skill.interface } : {}),
        path: skill.path,
        scope: skill.scope,
        enabled: on,
        pluginId: null,
      };
    });
    return { entry: { cwd: path.resolve(cwd), skills, errors: found.errors }, enabled, rootOrder: roots.map((r) => canonicalRoot(r.path)) };
  }

  /** Starts watching the skill roots that apply to a newly loaded thread. */
  watchFor(cwd: string, sessionConfig?: Record<string, unknown> | null): void {
    const stack = loadLayerStack(this.server.codexHome, this.server.options.configOverrides, { cwd, sessionConfig: sessionConfig ?? undefined });
    this.watcher.watch(skillRoots(this.server.codexHome, stack, this.extraRoots).map((r) => r.path));
  }

  /** The `<skills_instructions>` text for a thread's first turn, or null. */
  instructionsFor(cwd: string, sessionConfig?: Record<string, unknown> | null): string | null {
    const { enabled, rootOrder } = this.forCwd(cwd, sessionConfig);
    return skillsInstructions(enabled, rootOrder);
  }
}

function canonicalRoot(root: string): string {
  try {
    return fs.realpathSync(root);
  } catch {
    return root;
  }
}

const services = new WeakMap<AppServer, SkillsService>();

export function skillsServiceOf(server: AppServer): SkillsService {
  let service = services.get(server);
  if (!service) {
    service = new SkillsService(server);
    services.set(server, service);
  }
  return service;
}
