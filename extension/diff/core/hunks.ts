/**
 * Hunk computation and mapping. A file under review has three texts:
 *   base  – what the review compares against (the content before the turn,
 *           advanced by every hunk the user accepts);
 *   agent – what the agent left on disk;
 *   live  – what the editor holds now (the agent's text plus the user's edits).
 * The agent's hunks are the line differences base → agent; they are mapped
 * onto the live text through a second diff agent → live, so the user's later
 * edits move hunks instead of breaking them. Pure: no VS Code, no I/O.
 */
import { diffArrays } from 'diff';

/** Splits text into lines the way an editor numbers them (CRLF or LF; a final newline yields a last empty line). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (text.includes('\r')) {
    for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  }
  return lines;
}

/** A change between base and agent, in 0-based half-open line ranges. */
export interface AgentHunk {
  baseStart: number;
  baseEnd: number;
  agentStart: number;
  agentEnd: number;
}

/** An agent hunk located in the live text. */
export interface LiveHunk extends AgentHunk {
  /** Stable identity while base and agent are unchanged: used by CodeLens commands. */
  id: string;
  liveStart: number;
  liveEnd: number;
  kind: 'added' | 'modified' | 'deleted';
  /** Base lines the hunk replaced (what Reject puts back). */
  baseLines: string[];
  /** Lines the live text holds in the hunk's place. */
  liveLines: string[];
}

/** Line hunks that turn `base` into `agent`. */
export function computeAgentHunks(baseLines: string[], agentLines: string[]): AgentHunk[] {
  const hunks: AgentHunk[] = [];
  let base = 0;
  let agent = 0;
  let open: AgentHunk | undefined;
  for (const change of diffArrays(baseLines, agentLines)) {
    const count = change.value.length;
    if (!change.added && !change.removed) {
      if (open) hunks.push(open);
      open = undefined;
      base += count;
      agent += count;
      continue;
    }
    open ??= { baseStart: base, baseEnd: base, agentStart: agent, agentEnd: agent };
    if (change.removed) {
      base += count;
      open.baseEnd = base;
    } else {
      agent += count;
      open.agentEnd = agent;
    }
  }
  if (open) hunks.push(open);
  return hunks;
}

/**
 * For each boundary p (0..agent.length) between agent lines, the live
 * boundaries just before (`low`) and just after (`high`) whatever the user
 * changed there, and whether p sits strictly inside a region the user rewrote.
 */
interface BoundaryMap {
  low: Int32Array;
  high: Int32Array;
  inside: Uint8Array;
}

function mapBoundaries(agentLines: string[], liveLines: string[]): BoundaryMap {
  const n = agentLines.length;
  const low = new Int32Array(n + 1);
  const high = new Int32Array(n + 1);
  const inside = new Uint8Array(n + 1);
  // Typing touches a few lines: diff only between the common prefix and suffix.
  let prefix = 0;
  const shorter = Math.min(n, liveLines.length);
  while (prefix < shorter && agentLines[prefix] === liveLines[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && agentLines[n - 1 - suffix] === liveLines[liveLines.length - 1 - suffix]) suffix++;
  for (let p = 1; p <= prefix; p++) low[p] = high[p] = p;
  const middle = diffArrays(agentLines.slice(prefix, n - suffix), liveLines.slice(prefix, liveLines.length - suffix));
  const changes = suffix > 0 ? [...middle, { value: agentLines.slice(n - suffix), added: false, removed: false, count: suffix }] : middle;
  let agent = prefix;
  let live = prefix;
  let i = 0;
  while (i < changes.length) {
    if (!changes[i].added && !changes[i].removed) {
      for (let k = 0; k < changes[i].value.length; k++) {
        agent++;
        live++;
        low[agent] = high[agent] = live;
      }
      i++;
      continue;
    }
    // A run of removed and/or added lines: one region the user edited.
    let removed = 0;
    let added = 0;
    while (i < changes.length && (changes[i].added || changes[i].removed)) {
      if (changes[i].removed) removed += changes[i].value.length;
      else added += changes[i].value.length;
      i++;
    }
    const liveStart = live;
    const liveEnd = live + added;
    if (removed === 0) {
      // Pure insertion between two agent lines: the boundary splits around it.
      low[agent] = liveStart;
      high[agent] = liveEnd;
    } else {
      // Agent lines [agent, agent + removed) were rewritten into live [liveStart, liveEnd).
      for (let k = 1; k < removed; k++) {
        low[agent + k] = liveStart;
        high[agent + k] = liveEnd;
        inside[agent + k] = 1;
      }
      low[agent + removed] = high[agent + removed] = liveEnd;
    }
    agent += removed;
    live = liveEnd;
  }
  return { low, high, inside };
}

function hunkId(hunk: AgentHunk, baseLines: string[], agentLines: string[]): string {
  const text = baseLines.slice(hunk.baseStart, hunk.baseEnd).join('\n') + '\u0000' + agentLines.slice(hunk.agentStart, hunk.agentEnd).join('\n');
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return `${hunk.baseStart}-${hunk.baseEnd}:${hunk.agentStart}-${hunk.agentEnd}:${(hash >>> 0).toString(36)}`;
}

/**
 * Locates the agent's hunks in the live text. A user edit that overlaps a hunk
 * widens it (Reject then restores the whole region); hunks the edits make
 * overlap are merged; a hunk the user already reverted by hand is dropped.
 */
export function mapHunksToLive(base: string, agent: string, live: string): LiveHunk[] {
  const baseLines = splitLines(base);
  const agentLines = splitLines(agent);
  return mapHunkLinesToLive(baseLines, agentLines, agent === live ? agentLines : splitLines(live), computeAgentHunks(baseLines, agentLines));
}

/**
 * `mapHunksToLive` on lines already split, with the base → agent hunks given:
 * those change only when the agent writes or the user accepts, so callers
 * cache them and redo only the agent → live part on each keystroke.
 */
export function mapHunkLinesToLive(baseLines: string[], agentLines: string[], liveLines: string[], agentHunks: AgentHunk[]): LiveHunk[] {
  if (agentHunks.length === 0) return [];
  const map = agentLines === liveLines || arraysEqual(agentLines, liveLines) ? undefined : mapBoundaries(agentLines, liveLines);

  const located: (AgentHunk & { liveStart: number; liveEnd: number })[] = agentHunks.map((hunk) => {
    if (!map) return { ...hunk, liveStart: hunk.agentStart, liveEnd: hunk.agentEnd };
    const s = hunk.agentStart;
    const e = hunk.agentEnd;
    if (s === e) {
      // A pure deletion: an insertion point; inside a user edit it spans that edit.
      return { ...hunk, liveStart: map.low[s], liveEnd: map.inside[s] ? map.high[s] : map.low[s] };
    }
    // Lines the user inserted right above or below the hunk stay outside it.
    const start = map.inside[s] ? map.low[s] : map.high[s];
    const end = map.inside[e] ? map.high[e] : map.low[e];
    return { ...hunk, liveStart: start, liveEnd: Math.max(start, end) };
  });

  // Merge hunks that user edits made overlap (or touch inside one edit region).
  const merged: typeof located = [];
  for (const hunk of located) {
    const last = merged[merged.length - 1];
    if (last && hunk.liveStart < last.liveEnd) {
      last.baseEnd = Math.max(last.baseEnd, hunk.baseEnd);
      last.agentEnd = Math.max(last.agentEnd, hunk.agentEnd);
      last.liveEnd = Math.max(last.liveEnd, hunk.liveEnd);
    } else {
      merged.push({ ...hunk });
    }
  }

  const result: LiveHunk[] = [];
  for (const hunk of merged) {
    const hunkBase = baseLines.slice(hunk.baseStart, hunk.baseEnd);
    const hunkLive = liveLines.slice(hunk.liveStart, hunk.liveEnd);
    if (map && arraysEqual(hunkBase, hunkLive)) continue; // reverted by hand
    const kind = hunk.baseStart === hunk.baseEnd ? 'added' : hunk.liveStart === hunk.liveEnd ? 'deleted' : 'modified';
    result.push({ ...hunk, id: hunkId(hunk, baseLines, agentLines), kind, baseLines: hunkBase, liveLines: hunkLive });
  }
  return result;
}

function arraysEqual(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** The live text with one hunk put back to its base lines (what "Reject" produces). */
export function rejectHunkText(live: string, hunk: Pick<LiveHunk, 'liveStart' | 'liveEnd' | 'baseLines'>, eol = detectEol(live)): string {
  const lines = splitLines(live);
  const next = [...lines.slice(0, hunk.liveStart), ...hunk.baseLines, ...lines.slice(hunk.liveEnd)];
  return next.join(eol);
}

/** The review base with one hunk's agent lines taken in (what "Accept" produces). */
export function acceptHunkBase(base: string, agent: string, hunk: AgentHunk): string {
  const baseLines = splitLines(base);
  const agentLines = splitLines(agent);
  const next = [...baseLines.slice(0, hunk.baseStart), ...agentLines.slice(hunk.agentStart, hunk.agentEnd), ...baseLines.slice(hunk.baseEnd)];
  return next.join(detectEol(base || agent));
}

export function detectEol(text: string): '\n' | '\r\n' {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** A single replacement that turns `before` into `after`, as character offsets into `before`. */
interface TextReplacement {
  start: number;
  end: number;
  text: string;
}

/** The smallest single replacement (common prefix and suffix kept) turning `before` into `after`. */
export function minimalReplacement(before: string, after: string): TextReplacement | undefined {
  if (before === after) return undefined;
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

/** Added and removed line counts between base and a text (for the Changes list). */
export function lineCounts(base: string | undefined, text: string | undefined): { added: number; removed: number } {
  const baseLines = base === undefined || base === '' ? [] : splitLines(base);
  const textLines = text === undefined || text === '' ? [] : splitLines(text);
  // A final newline is a terminator, not a line.
  if (baseLines.length && baseLines[baseLines.length - 1] === '') baseLines.pop();
  if (textLines.length && textLines[textLines.length - 1] === '') textLines.pop();
  let added = 0;
  let removed = 0;
  for (const change of diffArrays(baseLines, textLines)) {
    if (change.added) added += change.value.length;
    else if (change.removed) removed += change.value.length;
  }
  return { added, removed };
}
