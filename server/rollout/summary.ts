/** A stored thread's summary: what the index keeps per rollout so listing never reads the rollouts. */
import type { GitInfo, SessionSource } from '../../protocol/items';
import type { ParsedRollout } from './reader';

export interface ThreadSummary {
  id: string;
  path: string;
  archived: boolean;
  /** Seconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  cwd: string;
  preview: string;
  name: string | null;
  modelProvider: string;
  model: string | null;
  reasoningEffort: string | null;
  source: SessionSource;
  cliVersion: string;
  originator: string | null;
  forkedFromId: string | null;
  sessionId: string;
  gitInfo: GitInfo | null;
  /** File size and mtime when summarized: a mismatch means the file changed behind our back. */
  size: number;
  mtimeMs: number;
}

/** The summary with its fields in one fixed order (uniform objects keep sorting 10,000 of them fast). */
export function compactSummary(s: ThreadSummary): ThreadSummary {
  return {
    id: s.id,
    path: s.path,
    archived: s.archived,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    cwd: s.cwd,
    preview: s.preview,
    name: s.name,
    modelProvider: s.modelProvider,
    model: s.model,
    reasoningEffort: s.reasoningEffort,
    source: s.source,
    cliVersion: s.cliVersion,
    originator: s.originator,
    forkedFromId: s.forkedFromId,
    sessionId: s.sessionId,
    gitInfo: s.gitInfo,
    size: s.size,
    mtimeMs: s.mtimeMs,
  };
}

export function summaryFromParsed(filePath: string, archived: boolean, parsed: ParsedRollout): Omit<ThreadSummary, 'size' | 'mtimeMs'> {
  const meta = parsed.meta!;
  const createdMs = Date.parse(meta.timestamp);
  const createdAt = Number.isFinite(createdMs) ? Math.floor(createdMs / 1000) : (parsed.lastTimestamp ?? 0);
  const id = meta.id.toLowerCase();
  return {
    id,
    path: filePath,
    archived,
    createdAt,
    updatedAt: Math.max(createdAt, parsed.lastTimestamp ?? createdAt),
    cwd: parsed.settings.cwd ?? meta.cwd,
    preview: parsed.preview,
    name: parsed.name,
    modelProvider: meta.model_provider ?? parsed.settings.modelProvider ?? 'openai',
    model: parsed.settings.model ?? meta.model ?? null,
    reasoningEffort: parsed.settings.reasoningEffort ?? meta.reasoning_effort ?? null,
    source: normalizeSource(meta.source),
    cliVersion: typeof meta.cli_version === 'string' ? meta.cli_version : '',
    originator: typeof meta.originator === 'string' ? meta.originator : null,
    forkedFromId: typeof meta.forked_from_id === 'string' ? meta.forked_from_id : null,
    sessionId: typeof meta.session_id === 'string' ? meta.session_id : id,
    gitInfo: meta.git ? { sha: meta.git.commit_hash ?? null, branch: meta.git.branch ?? null, originUrl: meta.git.repository_url ?? null } : null,
  };
}

/** Maps the reference's recorded sources (`"vscode"`, `{"subagent": …}`, `"mcp"`…) to the protocol's. */
function normalizeSource(source: unknown): SessionSource {
  if (source === 'cli' || source === 'vscode' || source === 'exec' || source === 'appServer' || source === 'unknown') return source;
  if (source === 'mcp') return 'appServer';
  if (source && typeof source === 'object') {
    const record = source as Record<string, unknown>;
    if ('subagent' in record) return { subAgent: record.subagent };
    if ('subAgent' in record) return { subAgent: record.subAgent };
    if (typeof record.custom === 'string') return { custom: record.custom };
  }
  return 'unknown';
}
