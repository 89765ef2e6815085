import fs from 'node:fs';
import path from 'node:path';
import { hasRealGitEntry } from '../../shared/gitRoot';

const INSTRUCTION_FILES = ['AGENTS.override.md', 'AGENTS.md'];

/**
 * The instruction files that apply to a thread in `cwd`, in load order: the
 * global one in CODEX_HOME, then one per folder from the repository root
 * (nearest real `.git`; an empty placeholder folder is none) down to the cwd. In each folder the override wins.
 */
export function instructionSourcesFor(codexHome: string, cwd: string): string[] {
  const sources: string[] = [];
  const pick = (dir: string) => {
    for (const name of INSTRUCTION_FILES) {
      const file = path.join(dir, name);
      if (isNonEmptyFile(file)) {
        sources.push(file);
        return;
      }
    }
  };
  pick(codexHome);
  const chain: string[] = [];
  let dir = path.resolve(cwd);
  for (;;) {
    chain.unshift(dir);
    if (hasRealGitEntry(dir)) break;
    const parent = path.dirname(dir);
    if (parent === dir) {
      // No repository: only the cwd itself contributes.
      chain.splice(0, chain.length - 1);
      break;
    }
    dir = parent;
  }
  for (const folder of chain) pick(folder);
  return sources;
}

function isNonEmptyFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size > 0;
  } catch {
    return false;
  }
}
