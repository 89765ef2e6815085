/**
 * A turn that is not an ordinary conversation turn (a code review): it talks
 * to the model in its own conversation with its own instructions, and turns
 * the model's final answer into its own closing items. The engine asks the
 * mode at each of these points; an ordinary turn has no mode.
 */
import type { ResponseItem } from '../providers/modelClient';

export interface TurnMode {
  /** Replaces the thread's base instructions for this turn's model requests. */
  readonly instructions: string;
  /**
   * The conversation this turn sends and extends, instead of the thread's
   * history: a review sees only the target, not the chat before it.
   */
  readonly conversation: ResponseItem[];
  /** Items the conversation starts with (environment, the diff), before the request. */
  preamble(): ResponseItem[];
  /**
   * Called with the last agent message (or null) when the loop has ended,
   * before the turn completes: the mode emits its closing items here. The
   * model's own agent messages are shown started but held back.
   */
  close(status: 'completed' | 'interrupted' | 'failed', lastAgentMessage: string | null): void;
}
