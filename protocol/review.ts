/** Params and result of `review/start` (shapes follow the reference schema; delivery is `inline` only there). */
import { z } from 'zod';
import type { Turn } from './items';

export const ReviewTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('uncommittedChanges') }),
  z.object({ type: z.literal('baseBranch'), branch: z.string().trim().min(1, 'branch must not be empty') }),
  z.object({ type: z.literal('commit'), sha: z.string().trim().min(1, 'sha must not be empty'), title: z.string().nullish() }),
  z.object({ type: z.literal('custom'), instructions: z.string().trim().min(1, 'instructions must not be empty') }),
]);
export type ReviewTarget = z.infer<typeof ReviewTarget>;

export const ReviewStartParams = z.object({
  threadId: z.string().min(1, 'threadId must not be empty'),
  target: ReviewTarget,
  /**
   * The reference reviews inline only; to review apart, start a thread and review there. Any
   * other value is refused by the handler as an invalid request, as the reference refuses it.
   */
  delivery: z.string().nullish(),
});
export type ReviewStartParams = z.infer<typeof ReviewStartParams>;

export interface ReviewStartResponse {
  /** The review turn, not started yet: its only item is the target's label as a user message. */
  turn: Turn;
  /** The thread the review runs in (the one given: reviews run inline). */
  reviewThreadId: string;
}

export interface ReviewRequests {
  'review/start': { params: typeof ReviewStartParams; result: ReviewStartResponse };
}
