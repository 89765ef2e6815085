/**
 * The state of the review: every file the agent changed and not yet accepted
 * or rejected, with the three texts hunks are computed from (see hunks.ts).
 * Turns merge: a file a later turn touches again keeps its older review base.
 * Pure: disk access comes in through `readText`, paths through `resolvePath`.
 */
import { applyFilePatch, BaselineError, reconstructBaseline, type TurnFileState } from './baseline';
import { acceptHunkBase, computeAgentHunks, mapHunkLinesToLive, splitLines, detectEol, lineCounts, type AgentHunk, type LiveHunk } from './hunks';
import { parseTurnDiff, type FilePatch } from './turnDiff';

type ReviewKind = 'added' | 'deleted' | 'modified' | 'renamed';

export interface FileReview {
  /** Absolute path of the file as the agent left it (the old path for deleted files). */
  readonly key: string;
  /** Absolute path before the review (differs from `key` for renames). */
  oldPath: string | undefined;
  /** Absolute path after the agent's changes; undefined when deleted. */
  newPath: string | undefined;
  threadId: string;
  turnId: string;
  /** Content before the turn that last touched the file (undefined: did not exist). */
  turnBaseline: string | undefined;
  /** What the review compares against; accepting a hunk moves it forward. */
  reviewBase: string | undefined;
  /** What the agent left (undefined: deleted). */
  agentText: string | undefined;
}

export interface TurnRef {
  threadId: string;
  turnId: string;
}

interface DiffUpdateResult {
  changedKeys: string[];
  errors: string[];
}

interface FileRestorePlan {
  /** Content to put back, or undefined when the file did not exist before. */
  content: string | undefined;
  /** Where the content goes (the old path for renames and deletions). */
  restorePath: string | undefined;
  /** File to remove (the agent's new path when added or renamed). */
  removePath: string | undefined;
}

export function reviewKind(file: FileReview): ReviewKind {
  if (file.reviewBase === undefined) return 'added';
  if (file.agentText === undefined) return 'deleted';
  if (file.oldPath && file.newPath && file.oldPath !== file.newPath) return 'renamed';
  return 'modified';
}

export class ReviewStore {
  private readonly files = new Map<string, FileReview>();
  private turnRefs: TurnRef[] = [];
  private readonly hunkCache = new Map<
    string,
    { base: string; agent: string; live: string; baseLines: string[]; agentLines: string[]; agentHunks: AgentHunk[]; hunks: LiveHunk[] }
  >();
  /**
   * Files the user finished reviewing during a turn, with the agent text they
   * saw. The server repeats the turn's diff (and may send one computed before
   * a reject landed): such a repeat must not bring the file back; a newer edit
   * by the agent does, compared against what the user settled on.
   */
  private readonly settled = new Map<string, { threadId: string; turnId: string; agentText: string | undefined; base: string | undefined }>();

  constructor(
    /** Reads a file's current text; undefined when it does not exist. */
    private readonly readText: (absPath: string) => string | undefined,
  ) {}

  get turns(): readonly TurnRef[] {
    return this.turnRefs;
  }

  list(): FileReview[] {
    return [...this.files.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  get(key: string): FileReview | undefined {
    return this.files.get(key);
  }

  get isEmpty(): boolean {
    return this.files.size === 0;
  }

  /** A copy of a file's review, to put back with `put` (undo, failed edits). */
  snapshot(key: string): FileReview | undefined {
    const file = this.files.get(key);
    return file ? { ...file } : undefined;
  }

  put(file: FileReview): void {
    this.settled.delete(file.key);
    this.files.set(file.key, { ...file });
    this.rememberTurn({ threadId: file.threadId, turnId: file.turnId });
  }

  clear(): void {
    this.files.clear();
    this.turnRefs = [];
  }

  private rememberTurn(ref: TurnRef): void {
    if (!this.turnRefs.some((t) => t.threadId === ref.threadId && t.turnId === ref.turnId)) this.turnRefs.push(ref);
  }

  /**
   * Takes in one `turn/diff/updated`. `resolvePath` turns a diff path into an
   * absolute one. Files that cannot be reconstructed are reported, not fatal.
   */
  applyTurnDiff(ref: TurnRef, diffText: string, resolvePath: (diffPath: string) => string): DiffUpdateResult {
    const errors: string[] = [];
    const changedKeys: string[] = [];
    let patches: FilePatch[];
    try {
      patches = parseTurnDiff(diffText);
    } catch (error) {
      return { changedKeys, errors: [`unreadable turn diff: ${(error as Error).message}`] };
    }
    this.rememberTurn(ref);
    const seen = new Set<string>();
    for (const patch of patches) {
      if (patch.binary) continue;
      let key = patch.newPath ?? patch.oldPath ?? '';
      try {
        const oldPath = patch.oldPath !== undefined ? resolvePath(patch.oldPath) : undefined;
        const newPath = patch.newPath !== undefined ? resolvePath(patch.newPath) : undefined;
        key = (newPath ?? oldPath)!;
        seen.add(key);
        this.applyFilePatch(ref, patch, key, oldPath, newPath);
        changedKeys.push(key);
      } catch (error) {
        errors.push(error instanceof BaselineError ? error.message : `${key}: ${(error as Error).message}`);
      }
    }
    // Files of this turn missing from its latest diff: the agent put them back.
    for (const file of this.files.values()) {
      if (file.threadId === ref.threadId && file.turnId === ref.turnId && !seen.has(file.key)) {
        file.agentText = file.turnBaseline;
        changedKeys.push(file.key);
      }
    }
    this.dropSettled();
    return { changedKeys, errors };
  }

  private applyFilePatch(ref: TurnRef, patch: FilePatch, key: string, oldPath: string | undefined, newPath: string | undefined): void {
    // A rename of a file already under review carries its review over to the new key.
    const existing = this.files.get(key) ?? (oldPath && oldPath !== key ? this.files.get(oldPath) : undefined);
    if (existing && existing.threadId === ref.threadId && existing.turnId === ref.turnId) {
      try {
        const agentText = applyFilePatch(patch, existing.turnBaseline);
        this.files.delete(existing.key);
        this.files.set(key, { ...existing, key, newPath, agentText });
        return;
      } catch {
        // The first baseline was read mid-write; rebuild it from the disk below.
      }
    }
    const settled = existing ? undefined : this.settled.get(key);
    const settledThisTurn = settled && settled.threadId === ref.threadId && settled.turnId === ref.turnId;
    let turnBaseline: string | undefined;
    let agentText: string | undefined;
    try {
      turnBaseline = reconstructBaseline(patch, newPath ? this.readText(newPath) : undefined);
      agentText = applyFilePatch(patch, turnBaseline);
    } catch (error) {
      // A diff computed before the user's reject reached the disk: nothing new to review.
      if (settledThisTurn && error instanceof BaselineError) return;
      throw error;
    }
    if (settledThisTurn && settled.agentText === agentText) return; // a repeat of what the user already settled
    if (existing && existing.key !== key) this.files.delete(existing.key);
    const sameTurn = existing && existing.threadId === ref.threadId && existing.turnId === ref.turnId;
    this.settled.delete(key);
    this.files.set(key, {
      key,
      oldPath: existing ? existing.oldPath : oldPath,
      newPath,
      threadId: ref.threadId,
      turnId: ref.turnId,
      turnBaseline,
      // An earlier turn's review base stays; within one turn the rebuilt baseline wins,
      // unless the user settled the file this turn: then only the agent's newer edits are reviewed.
      reviewBase: existing && !sameTurn ? existing.reviewBase : settledThisTurn ? settled.base : turnBaseline,
      agentText,
    });
  }

  /**
   * Rebuilds the review from reconstructed turn files (after a restart).
   * A file already under review with the same agent text keeps its accepted hunks;
   * keys in `accepted` (files the user accepted whole) are skipped.
   */
  restore(refs: TurnRef[], states: TurnFileState[], accepted: ReadonlySet<string> = new Set()): string[] {
    const last = refs[refs.length - 1];
    if (!last) return [];
    for (const ref of refs) this.rememberTurn(ref);
    const changed: string[] = [];
    for (const state of states) {
      const key = (state.newPath ?? state.oldPath)!;
      if (accepted.has(key)) continue;
      const existing = this.files.get(key);
      if (existing && existing.agentText === state.agentText) continue;
      this.files.set(key, {
        key,
        oldPath: state.oldPath,
        newPath: state.newPath,
        threadId: last.threadId,
        turnId: last.turnId,
        turnBaseline: state.baseline,
        reviewBase: state.baseline,
        agentText: state.agentText,
      });
      changed.push(key);
    }
    this.dropSettled();
    return changed;
  }

  /** Hunks of a file located in its live text (the open document, or the agent's text). */
  hunks(key: string, liveText?: string): LiveHunk[] {
    const file = this.files.get(key);
    if (!file || file.agentText === undefined) return [];
    const base = file.reviewBase ?? '';
    const live = liveText ?? file.agentText;
    // Decorations, CodeLens and the Changes list all ask after each keystroke: compute once per state.
    const cached = this.hunkCache.get(key);
    if (cached && cached.base === base && cached.agent === file.agentText && cached.live === live) return cached.hunks;
    let baseLines: string[];
    let agentLines: string[];
    let agentHunks: AgentHunk[];
    if (cached && cached.base === base && cached.agent === file.agentText) {
      ({ baseLines, agentLines, agentHunks } = cached);
    } else {
      baseLines = splitLines(base);
      agentLines = splitLines(file.agentText);
      agentHunks = computeAgentHunks(baseLines, agentLines);
    }
    const liveLines = live === file.agentText ? agentLines : splitLines(live);
    const hunks = mapHunkLinesToLive(baseLines, agentLines, liveLines, agentHunks);
    this.hunkCache.set(key, { base, agent: file.agentText, live, baseLines, agentLines, agentHunks, hunks });
    return hunks;
  }

  /** Lines the agent's hunks add and remove (for a deleted file: every line it had). */
  counts(key: string, liveText?: string): { added: number; removed: number } {
    const file = this.files.get(key);
    if (!file) return { added: 0, removed: 0 };
    if (file.agentText === undefined) return lineCounts(file.reviewBase, undefined);
    let added = 0;
    let removed = 0;
    for (const hunk of this.hunks(key, liveText)) {
      added += hunk.liveEnd - hunk.liveStart;
      removed += hunk.baseLines.length;
    }
    return { added, removed };
  }

  /** Accepts one hunk: the review base takes the agent's lines. Returns false if the hunk is gone. */
  acceptHunk(key: string, hunkId: string, liveText?: string): boolean {
    const file = this.files.get(key);
    const hunk = this.hunks(key, liveText).find((h) => h.id === hunkId);
    if (!file || !hunk || file.agentText === undefined) return false;
    file.reviewBase = acceptHunkBase(file.reviewBase ?? '', file.agentText, hunk);
    this.dropSettled();
    return true;
  }

  /**
   * Rejects one hunk: returns the live text with the hunk's base lines put
   * back (the caller writes it through the editor), and forgets the hunk.
   */
  rejectHunk(key: string, hunkId: string, liveText?: string): { hunk: LiveHunk; newLiveText: string } | undefined {
    const file = this.files.get(key);
    const hunks = this.hunks(key, liveText);
    const hunk = hunks.find((h) => h.id === hunkId);
    if (!file || !hunk || file.agentText === undefined) return undefined;
    const live = liveText ?? file.agentText;
    const liveEol = detectEol(live);
    const liveLines = splitLines(live);
    const newLiveText = [...liveLines.slice(0, hunk.liveStart), ...hunk.baseLines, ...liveLines.slice(hunk.liveEnd)].join(liveEol);
    const agentLines = splitLines(file.agentText);
    file.agentText = [...agentLines.slice(0, hunk.agentStart), ...hunk.baseLines, ...agentLines.slice(hunk.agentEnd)].join(detectEol(file.agentText));
    this.dropSettled();
    return { hunk, newLiveText };
  }

  /** Accepts every change of a file: it leaves the review. */
  acceptFile(key: string): boolean {
    const file = this.files.get(key);
    if (file) this.settle(file, file.agentText);
    const removed = this.files.delete(key);
    this.dropSettled();
    return removed;
  }

  /** Rejects a whole file: returns what to write back, and forgets the file. */
  rejectFile(key: string): FileRestorePlan | undefined {
    const file = this.files.get(key);
    if (!file) return undefined;
    this.settle(file, file.reviewBase);
    this.files.delete(key);
    this.dropSettled();
    const kind = reviewKind(file);
    return {
      content: file.reviewBase,
      restorePath: kind === 'added' ? undefined : (file.oldPath ?? file.key),
      removePath: kind === 'added' || kind === 'renamed' ? file.newPath : undefined,
    };
  }

  private settle(file: FileReview, base: string | undefined): void {
    this.settled.set(file.key, { threadId: file.threadId, turnId: file.turnId, agentText: file.agentText, base });
  }

  /** Removes files with nothing left to review. */
  private dropSettled(): void {
    for (const [key, file] of this.files) {
      const samePlace = !file.oldPath || !file.newPath || file.oldPath === file.newPath;
      if (file.reviewBase === file.agentText && samePlace) {
        this.settle(file, file.agentText);
        this.files.delete(key);
      }
    }
    for (const key of this.hunkCache.keys()) if (!this.files.has(key)) this.hunkCache.delete(key);
    if (this.files.size === 0) this.turnRefs = [];
  }
}
