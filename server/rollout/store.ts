/**
 * Where threads live on disk and the index that makes listing fast.
 *
 * Rollouts: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`, and
 * `$CODEX_HOME/archived_sessions/rollout-…jsonl` once archived.
 *
 * Index: `$CODEX_HOME/vscode_thread_index.jsonl`, one ThreadSummary per line,
 * later lines winning (`{"id","removed":true}` drops one). It is loaded once
 * per process and reconciled with the directories: a rollout whose size or
 * mtime differs from its entry (or has none) is parsed again, entries whose
 * file vanished are dropped, then the compacted index is written back. After
 * that, list calls never touch the rollouts: our own writes keep the
 * in-memory index current and append to the index file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { log } from '../log';
import { dateFolder, rolloutFileName, threadIdFromFileName } from './format';
import type { ParsedRollout } from './reader';
import { compactSummary, summaryFromParsed, type ThreadSummary } from './summary';
import { listRollouts, moveFile, safeRead, statOrNull } from './files';

const INDEX_FILE = 'vscode_thread_index.jsonl';
/** The reference CLI keeps thread names here (`{"id","thread_name","updated_at"}` lines). */
export const REFERENCE_NAME_INDEX = 'session_index.jsonl';

export class ThreadStore {
  readonly sessionsDir: string;
  readonly archivedDir: string;
  readonly indexPath: string;
  private summaries: Map<string, ThreadSummary> | null = null;
  /** Bumped on every change, so callers can cache derived views (sorted lists). */
  version = 0;
  /** How much of the index file this process has merged (other servers on the same CODEX_HOME append too). */
  private indexSeen: { ino: number; bytes: number } | null = null;
  /** mtimes of the folders where other programs add rollouts (today, yesterday, archived). */
  private readonly watchedDirs = new Map<string, number>();

  constructor(readonly codexHome: string) {
    this.sessionsDir = path.join(codexHome, 'sessions');
    this.archivedDir = path.join(codexHome, 'archived_sessions');
    this.indexPath = path.join(codexHome, INDEX_FILE);
  }

  /** Where a new thread's rollout goes. */
  newRolloutPath(id: string, createdAt: Date): string {
    return path.join(this.sessionsDir, ...dateFolder(createdAt), rolloutFileName(createdAt, id));
  }

  get(id: string): ThreadSummary | undefined {
    return this.ensureLoaded().get(id);
  }

  all(): ThreadSummary[] {
    return [...this.ensureLoaded().values()];
  }

  get size(): number {
    return this.ensureLoaded().size;
  }

  /** Records a summary (after a write to its rollout); refreshes size/mtime from disk. */
  upsert(summary: Omit<ThreadSummary, 'size' | 'mtimeMs'> & Partial<Pick<ThreadSummary, 'size' | 'mtimeMs'>>): ThreadSummary {
    const map = this.ensureLoaded();
    const stat = statOrNull(summary.path);
    const full = compactSummary({ ...summary, size: stat?.size ?? 0, mtimeMs: stat?.mtimeMs ?? 0 });
    map.set(full.id, full);
    this.version++;
    this.appendIndexLine(full);
    return full;
  }

  /** Re-reads one rollout and updates its entry (after appending to a file of a thread not loaded). */
  refresh(id: string): ThreadSummary | undefined {
    const existing = this.get(id);
    if (!existing) return undefined;
    const parsed = safeRead(existing.path);
    if (!parsed) return existing;
    return this.upsert({ ...summaryFromParsed(existing.path, existing.archived, parsed), name: parsed.nameSeen ? parsed.name : existing.name });
  }

  /** Indexes a rollout found at an explicit path (resume/fork by `path`). */
  refreshPath(filePath: string, parsed: ParsedRollout): ThreadSummary {
    const archived = path.resolve(path.dirname(filePath)) === path.resolve(this.archivedDir);
    return this.upsert(summaryFromParsed(filePath, archived, parsed));
  }

  remove(id: string): void {
    const map = this.ensureLoaded();
    if (map.delete(id)) {
      this.version++;
      this.appendIndexRaw({ id, removed: true });
    }
  }

  /** Moves a rollout to `archived_sessions/`; returns the updated summary. */
  archive(id: string): ThreadSummary {
    const summary = this.require(id);
    if (summary.archived) return summary;
    const target = path.join(this.archivedDir, path.basename(summary.path));
    moveFile(summary.path, target);
    return this.upsert({ ...summary, path: target, archived: true });
  }

  /** Moves an archived rollout back under `sessions/YYYY/MM/DD/` (its creation date). */
  unarchive(id: string): ThreadSummary {
    const summary = this.require(id);
    if (!summary.archived) return summary;
    const target = path.join(this.sessionsDir, ...dateFolder(new Date(summary.createdAt * 1000)), path.basename(summary.path));
    moveFile(summary.path, target);
    return this.upsert({ ...summary, path: target, archived: false });
  }

  /**
   * Picks up what other programs changed since we looked, cheaply (a few
   * stats): index lines appended by another server on this CODEX_HOME, and new
   * rollouts in today's, yesterday's and the archived folder (e.g. from the
   * Codex CLI). Called before listing and on lookup misses.
   */
  syncExternal(): void {
    if (!this.summaries) {
      this.ensureLoaded();
      return;
    }
    const stat = statOrNull(this.indexPath);
    const seen = this.indexSeen;
    if (stat && seen && stat.ino !== seen.ino) {
      // Another process rewrote (compacted) the index: start over from it.
      this.reload();
      return;
    }
    if (stat && seen && stat.size > seen.bytes) this.mergeIndexTail(seen, stat.size);
    else if (stat && !seen) this.mergeIndexTail((this.indexSeen = { ino: stat.ino, bytes: 0 }), stat.size);
    for (const [dir, mtimeMs] of this.currentWatchedDirs()) {
      if (this.watchedDirs.get(dir) === mtimeMs) continue;
      this.watchedDirs.set(dir, mtimeMs);
      this.indexNewFiles(dir);
    }
  }

  /** Forgets everything and reconciles again with the disk (after a file moved behind our back). */
  reload(): void {
    this.summaries = null;
    this.version++;
    this.ensureLoaded();
  }

  private mergeIndexTail(seen: { ino: number; bytes: number }, size: number): void {
    const map = this.summaries!;
    let text: string;
    try {
      const fd = fs.openSync(this.indexPath, 'r');
      try {
        const buffer = Buffer.alloc(size - seen.bytes);
        fs.readSync(fd, buffer, 0, buffer.length, seen.bytes);
        const lastNewline = buffer.lastIndexOf(0x0a);
        if (lastNewline < 0) return; // a line still being written
        text = buffer.subarray(0, lastNewline + 1).toString('utf8');
        seen.bytes += lastNewline + 1;
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      log.warn(`could not read thread index ${this.indexPath}:`, error);
      return;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line);
        if (entry.removed) {
          if (map.delete(entry.id)) this.version++;
        } else if (typeof entry.id === 'string' && typeof entry.path === 'string') {
          map.set(entry.id, compactSummary(entry));
          this.version++;
        }
      } catch {
        /* torn line: the next full load repairs it */
      }
    }
  }

  /** Indexes rollouts in `dir` that we do not know under that path yet. */
  private indexNewFiles(dir: string): void {
    const map = this.summaries!;
    const archived = dir === this.archivedDir;
    const known = new Set([...map.values()].map((s) => s.path));
    for (const file of listRollouts(dir, 1)) {
      if (known.has(file)) continue;
      const parsed = safeRead(file);
      if (!parsed?.meta) continue;
      this.upsert(summaryFromParsed(file, archived, parsed));
    }
  }

  private currentWatchedDirs(): [string, number][] {
    const now = new Date();
    const dirs = [
      path.join(this.sessionsDir, ...dateFolder(now)),
      path.join(this.sessionsDir, ...dateFolder(new Date(now.getTime() - 86_400_000))),
      this.archivedDir,
    ];
    const out: [string, number][] = [];
    for (const dir of dirs) {
      const stat = statOrNull(dir);
      if (stat) out.push([dir, stat.mtimeMs]);
    }
    return out;
  }

  private recordWatchedDirs(): void {
    this.watchedDirs.clear();
    for (const [dir, mtimeMs] of this.currentWatchedDirs()) this.watchedDirs.set(dir, mtimeMs);
  }

  private require(id: string): ThreadSummary {
    const summary = this.get(id);
    if (!summary) throw new Error(`no rollout found for thread id ${id}`);
    return summary;
  }

  /** Loads the index and reconciles it with the rollout directories (once per process). */
  ensureLoaded(): Map<string, ThreadSummary> {
    if (this.summaries) return this.summaries;
    const started = Date.now();
    const { entries: indexed, lineCount } = this.readIndex();
    const indexedByPath = new Map([...indexed.values()].map((entry) => [entry.path, entry]));
    const map = new Map<string, ThreadSummary>();
    let reparsed = 0;
    let changed = false;
    const referenceNames = this.readReferenceNames();

    const consider = (filePath: string, archived: boolean) => {
      const id = threadIdFromFileName(path.basename(filePath));
      if (!id) return;
      const stat = statOrNull(filePath);
      if (!stat || !stat.isFile()) return;
      const known = indexedByPath.get(filePath) ?? indexed.get(id);
      if (known && known.path === filePath && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.archived === archived) {
        map.set(known.id, known);
        return;
      }
      changed = true;
      const parsed = safeRead(filePath);
      reparsed++;
      if (!parsed || !parsed.meta) {
        if (parsed) log.warn(`${filePath}: no session_meta line; not listed`);
        return;
      }
      const base = summaryFromParsed(filePath, archived, parsed);
      const name = parsed.nameSeen ? base.name : (referenceNames.get(id) ?? known?.name ?? null);
      const summary = compactSummary({ ...base, name, size: stat.size, mtimeMs: stat.mtimeMs });
      // Two files for one id (copied sessions): keep the most recently updated.
      const other = map.get(summary.id);
      if (!other || other.updatedAt <= summary.updatedAt) map.set(summary.id, summary);
    };

    for (const file of listRollouts(this.sessionsDir, 4)) consider(file, false);
    for (const file of listRollouts(this.archivedDir, 1)) consider(file, true);
    // Entries are appended on every change: compact once superseded lines dominate.
    if (indexed.size !== map.size || lineCount > 2 * map.size + 100) changed = true;
    this.summaries = map;
    if (changed) this.writeIndex();
    else this.markIndexSeen();
    this.recordWatchedDirs();
    log.debug(`thread index: ${map.size} threads, ${reparsed} rollouts parsed, ${Date.now() - started} ms`);
    return map;
  }

  private readIndex(): { entries: Map<string, ThreadSummary>; lineCount: number } {
    const map = new Map<string, ThreadSummary>();
    let text: string;
    try {
      text = fs.readFileSync(this.indexPath, 'utf8');
    } catch {
      return { entries: map, lineCount: 0 };
    }
    let lineCount = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      lineCount++;
      try {
        const entry = JSON.parse(line);
        if (entry.removed) map.delete(entry.id);
        else if (typeof entry.id === 'string' && typeof entry.path === 'string') map.set(entry.id, compactSummary(entry));
      } catch {
        // A torn last line after a crash: the directory scan repairs whatever it described.
      }
    }
    return { entries: map, lineCount };
  }

  private readReferenceNames(): Map<string, string> {
    const names = new Map<string, string>();
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.codexHome, REFERENCE_NAME_INDEX), 'utf8');
    } catch {
      return names;
    }
    for (const line of text.split('\n')) {
      try {
        const entry = JSON.parse(line);
        if (typeof entry.id === 'string' && typeof entry.thread_name === 'string') names.set(entry.id, entry.thread_name);
      } catch {
        /* skip */
      }
    }
    return names;
  }

  /** Writes the whole index atomically (temp file + rename). */
  private writeIndex(): void {
    const map = this.summaries;
    if (!map) return;
    try {
      fs.mkdirSync(this.codexHome, { recursive: true });
      const tmp = `${this.indexPath}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, [...map.values()].map((s) => JSON.stringify(s) + '\n').join(''));
      fs.renameSync(tmp, this.indexPath);
      this.markIndexSeen();
    } catch (error) {
      log.warn(`could not write thread index ${this.indexPath}:`, error);
    }
  }

  private markIndexSeen(): void {
    const stat = statOrNull(this.indexPath);
    this.indexSeen = stat ? { ino: stat.ino, bytes: stat.size } : null;
  }

  private appendIndexLine(summary: ThreadSummary): void {
    this.appendIndexRaw(summary);
  }

  private appendIndexRaw(entry: object): void {
    try {
      fs.mkdirSync(this.codexHome, { recursive: true });
      const line = JSON.stringify(entry) + '\n';
      const before = statOrNull(this.indexPath);
      fs.appendFileSync(this.indexPath, line);
      // Our own line needs no merging back, unless another process appended in between.
      const seen = this.indexSeen;
      if (before && seen && before.ino === seen.ino && before.size === seen.bytes) seen.bytes += Buffer.byteLength(line);
      else if (!before) this.markIndexSeen();
    } catch (error) {
      log.warn(`could not update thread index ${this.indexPath}:`, error);
    }
  }
}
