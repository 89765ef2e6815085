/** Turn-engine state kept per loaded thread (running turn, exec sessions, session approvals). */
import type { ClientSession } from '../core/session';
import type { LoadedThread } from '../thread/loadedThread';
import type { Turn, UserInput } from '../../protocol/items';
import { ExecSessionStore } from '../tools/exec';
import { SessionApprovals } from '../approvals/policy';

/** What turn/start, turn/steer and turn/interrupt need from the running turn (the engine's TurnRunner). */
interface ActiveTurn {
  readonly id: string;
  readonly turn: Turn;
  steer(input: UserInput[], clientId: string | null): void;
  interrupt(): Promise<void>;
  /** Aborted by an interrupt (MCP elicitations of the turn end with it). */
  readonly abort: AbortController;
  /** The client that answers the turn's questions (MCP elicitations). */
  approver(): ClientSession | undefined;
}

export interface ThreadTurnState {
  execSessions: ExecSessionStore;
  sessionApprovals: SessionApprovals;
  active: ActiveTurn | null;
  /** SessionStart hooks ran for this load of the thread. */
  sessionStarted: boolean;
  /** Warnings already shown once per thread (e.g. no sandbox available). */
  warned: Set<string>;
  /** The environment context last given to the model; a new one is sent when it changes. */
  lastEnvironmentContext: string | null;
  /** A `thread/shellCommand` turn in progress (see thread/shellCommand.ts). */
  userShell?: { turnId: string; interrupted: boolean; kill: () => void } | null;
}

const states = new WeakMap<LoadedThread, ThreadTurnState>();

export function turnStateOf(thread: LoadedThread): ThreadTurnState {
  let state = states.get(thread);
  if (!state) {
    state = { execSessions: new ExecSessionStore(), sessionApprovals: new SessionApprovals(), active: null, sessionStarted: false, warned: new Set(), lastEnvironmentContext: null };
    states.set(thread, state);
  }
  return state;
}
