/**
 * Project trust decisions. As with the reference, starting a thread with a
 * sandbox that can write (workspace-write, danger-full-access) in a repository
 * nobody decided about marks that repository trusted in the user's config.toml;
 * an explicit `trust_level = "untrusted"` is never overridden, and read-only
 * threads never trust anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { hasRealGitEntry } from '../../shared/gitRoot';
import { writeUserConfig } from './index';
import { findProjectRoot, loadLayerStack, projectTrustDecision, type Table } from './loader';

export { projectTrustDecision };

/**
 * Call before loading a new thread's config. Returns the project root it trusted, or null.
 * `requestedSandbox` is `thread/start.sandbox` (the config's `sandbox_mode` otherwise).
 */
export function trustProjectForWritableThread(
  codexHome: string,
  overrides: readonly string[] | readonly Table[],
  cwd: string,
  requestedSandbox?: string | null,
): string | null {
  const dir = fs.realpathSync(cwd);
  const stack = loadLayerStack(codexHome, overrides, { cwd: dir });
  const sandbox = requestedSandbox ?? (typeof stack.merged.sandbox_mode === 'string' ? stack.merged.sandbox_mode : 'read-only');
  if (sandbox === 'read-only' || projectTrustDecision(dir, stack.merged.projects) !== null) return null;
  const markers = Array.isArray(stack.merged.project_root_markers) ? stack.merged.project_root_markers.filter((m): m is string => typeof m === 'string') : ['.git'];
  const root = findProjectRoot(dir, markers);
  if (!root || !isRealProjectRoot(root, markers)) return null;
  writeUserConfig(codexHome, [], [{ keyPath: 'projects', value: { [root]: { trust_level: 'trusted' } }, mergeStrategy: 'upsert' }]);
  return root;
}

/**
 * The reference only trusts a real repository: an empty `.git` folder is not
 * one. A `.git` file (worktree, submodule) or a folder with a HEAD is.
 */
function isRealProjectRoot(root: string, markers: string[]): boolean {
  return markers.some((marker) => {
    const target = path.join(root, marker);
    return marker === '.git' ? hasRealGitEntry(root) : fs.existsSync(target);
  });
}
