/**
 * Threads stored on disk, as the thread methods reach them: find one by id or
 * rollout path (noticing files other programs added or moved meanwhile), read
 * it, keep the index in step with loaded threads, and append events to a
 * rollout that is not loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { log } from '../log';
import { ErrorCode, RpcError, invalidParams, invalidRequest } from '../rpc/errors';
import type { Thread, Turn } from '../../protocol/items';
import { readRollout, type ParsedRollout } from '../rollout/reader';
import { REFERENCE_NAME_INDEX, ThreadStore } from '../rollout/store';
import type { ThreadSummary } from '../rollout/summary';
import { RolloutWriter } from '../rollout/writer';
import { threadIdFromFileName } from '../rollout/format';
import type { LoadedThread } from './loadedThread';
import { validateThreadId } from './manager';

export class StoredThreads {
  readonly store: ThreadStore;

  constructor(private readonly codexHome: string) {
    this.store = new ThreadStore(codexHome);
  }

  indexLoaded(thread: LoadedThread): void {
    if (thread.ephemeral || !thread.materialized || !thread.rolloutPath) return;
    const existing = this.store.get(thread.id);
    this.store.upsert({
      id: thread.id,
      path: thread.rolloutPath,
      archived: existing?.archived ?? false,
      createdAt: thread.createdAt,
      updatedAt: thread.updatedAt,
      cwd: thread.cwd,
      preview: thread.preview,
      name: thread.name,
      modelProvider: thread.modelProvider,
      model: thread.model,
      reasoningEffort: thread.reasoningEffort,
      source: thread.source,
      cliVersion: thread.cliVersion,
      originator: thread.originator,
      forkedFromId: thread.forkedFromId,
      sessionId: thread.sessionId,
      gitInfo: thread.gitInfo,
    });
  }

  /** A stored thread; on a miss, first look for what other programs added meanwhile. */
  findStored(id: string): ThreadSummary | undefined {
    const summary = this.store.get(id);
    if (summary) return summary;
    this.store.syncExternal();
    return this.store.get(id);
  }

  requireStored(id: string): ThreadSummary {
    const summary = this.findStored(id);
    if (!summary) throw invalidRequest(`thread not found: ${id}`);
    return summary;
  }

  parseStored(summary: ThreadSummary): ParsedRollout {
    let parsed: ParsedRollout;
    try {
      parsed = readRollout(summary.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new RpcError(ErrorCode.InternalError, `cannot read rollout ${summary.path}: ${(error as Error).message}`);
      }
      // Moved or deleted by another program (archived elsewhere): look again on disk.
      this.store.reload();
      const moved = this.store.get(summary.id);
      if (!moved) throw invalidRequest(`thread not found: ${summary.id} (its rollout ${summary.path} is gone)`);
      parsed = readRollout(moved.path);
    }
    for (const warning of parsed.warnings) log.warn(warning);
    return parsed;
  }

  /** A stored thread by id, or by an explicit rollout path (resume/fork `path`). */
  loadStored(threadId: string, rolloutPath: string | null | undefined): { summary: ThreadSummary; parsed: ParsedRollout } {
    if (rolloutPath && rolloutPath.trim()) {
      const file = path.resolve(rolloutPath);
      // We append to this file later: only ever to something named like a rollout.
      if (!threadIdFromFileName(path.basename(file))) {
        throw invalidParams(`Invalid params: path: not a rollout file name (rollout-<time>-<uuid>.jsonl): ${file}`);
      }
      let parsed: ParsedRollout;
      try {
        parsed = readRollout(file);
      } catch (error) {
        throw invalidRequest(`cannot read rollout ${file}: ${(error as Error).message}`);
      }
      if (!parsed.meta) throw invalidRequest(`${file} is not a rollout (no session_meta line)`);
      const summary = this.store.get(parsed.meta.id.toLowerCase());
      if (summary && summary.path === file) return { summary, parsed };
      const indexed = this.store.refreshPath(file, parsed);
      return { summary: indexed, parsed };
    }
    const id = validateThreadId(threadId);
    const summary = this.findStored(id);
    if (!summary) throw invalidRequest(`no rollout found for thread id ${id}`);
    const parsed = this.parseStored(summary);
    return { summary: this.store.get(id) ?? summary, parsed };
  }

  moveRollout(move: () => ThreadSummary): ThreadSummary {
    try {
      return move();
    } catch (error) {
      throw new RpcError(ErrorCode.InternalError, `could not move the rollout: ${(error as Error).message}`);
    }
  }

  /** Keeps the reference CLI's name index in step, so `codex resume` shows our names too. */
  recordReferenceName(id: string, name: string): void {
    try {
      fs.appendFileSync(
        path.join(this.codexHome, REFERENCE_NAME_INDEX),
        JSON.stringify({ id, thread_name: name, updated_at: new Date().toISOString() }) + '\n',
      );
    } catch (error) {
      log.warn('could not update session_index.jsonl:', error);
    }
  }
}

export function appendToRollout(filePath: string, event: object): void {
  const writer = new RolloutWriter(filePath);
  try {
    writer.append('event_msg', event);
  } finally {
    writer.close();
  }
}

/** A stored (not loaded) thread as a protocol Thread. */
export function threadFromSummary(summary: ThreadSummary, turns: Turn[]): Thread {
  return {
    id: summary.id,
    sessionId: summary.sessionId,
    forkedFromId: summary.forkedFromId,
    parentThreadId: null,
    preview: summary.preview,
    ephemeral: false,
    section: null,
    sectionEnteredAt: null,
    projectId: null,
    historyMode: 'paginated',
    modelProvider: summary.modelProvider,
    model: summary.model,
    reasoningEffort: summary.reasoningEffort,
    createdAt: summary.createdAt,
    updatedAt: summary.updatedAt,
    recencyAt: summary.updatedAt,
    status: { type: 'notLoaded' },
    path: summary.path,
    cwd: summary.cwd,
    cliVersion: summary.cliVersion,
    originator: summary.originator,
    source: summary.source,
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo: summary.gitInfo,
    name: summary.name,
    turns,
  };
}
