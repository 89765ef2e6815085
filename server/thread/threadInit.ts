/** The settings and initial content a LoadedThread is built from (fresh, resumed or forked). */
import type { EffectiveConfig } from '../config/types';
import type { ApprovalsReviewer, AskForApproval, GitInfo, SandboxPolicy, SessionSource, ThreadGoal, ThreadTokenUsage, Turn } from '../../protocol/items';
import type { HistoryEntry } from '../rollout/format';

/** Settings a thread runs with; persisted as `turn_context` lines. */
export interface ThreadSettings {
  cwd: string;
  model: string;
  modelProvider: string;
  reasoningEffort: string | null;
  approvalPolicy: AskForApproval;
  approvalsReviewer: ApprovalsReviewer;
  sandbox: SandboxPolicy;
  baseInstructions: string | null;
  developerInstructions: string | null;
}

/** Everything needed to construct a LoadedThread (fresh, resumed or forked). */
export interface LoadedThreadInit {
  id: string;
  sessionId: string;
  forkedFromId: string | null;
  createdAt: number;
  updatedAt: number;
  settings: ThreadSettings;
  config: EffectiveConfig;
  /** The request's own `config` map (thread/start, resume, fork), kept for code that reloads config layers (hooks). */
  sessionConfig?: Record<string, unknown> | null;
  ephemeral: boolean;
  /** Where the rollout lives (or will live once materialized); null if ephemeral. */
  rolloutPath: string | null;
  source: SessionSource;
  originator: string;
  cliVersion: string;
  gitInfo: GitInfo | null;
  name: string | null;
  preview: string;
  turns: Turn[];
  history: HistoryEntry[];
  tokenUsage: ThreadTokenUsage | null;
  goal: ThreadGoal | null;
}

/** What a thread that has not run anything yet holds (fresh objects on each call). */
export function emptyThreadContent(): Pick<LoadedThreadInit, 'name' | 'preview' | 'turns' | 'history' | 'tokenUsage' | 'goal'> {
  return { name: null, preview: '', turns: [], history: [], tokenUsage: null, goal: null };
}
