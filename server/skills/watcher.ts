/**
 * Watches the skill roots of loaded threads and tells every client
 * `skills/changed` (an invalidation signal: clients re-run `skills/list`).
 * Like the reference, watching starts when a thread is loaded; roots that do
 * not exist yet are not watched. Bursts of file events become one notification.
 */
import fs from 'node:fs';
import { log } from '../log';

const DEBOUNCE_MS = 150;

export class SkillsWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly onChange: () => void) {}

  watch(roots: readonly string[]): void {
    for (const root of roots) {
      if (this.watchers.has(root)) continue;
      try {
        if (!fs.statSync(root).isDirectory()) continue;
        const watcher = fs.watch(root, { recursive: true, persistent: false }, () => this.changed());
        watcher.on('error', (error) => {
          log.warn(`skills: stopped watching ${root}: ${error.message}`);
          watcher.close();
          this.watchers.delete(root);
        });
        this.watchers.set(root, watcher);
      } catch {
        /* missing or unreadable root: nothing to watch */
      }
    }
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
