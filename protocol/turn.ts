/** Params of `turn/start`, `turn/steer` and `turn/interrupt` (shapes follow the reference schema). */
import { z } from 'zod';
import { AskForApproval, UserInput, type Turn } from './items';

const threadId = z.string().min(1, 'threadId must not be empty');
const input = z.array(UserInput).min(1, 'input must contain at least one item');

export const TurnStartParams = z
  .object({
    threadId,
    input,
    clientUserMessageId: z.string().nullish(),
    cwd: z.string().nullish(),
    approvalPolicy: AskForApproval.nullish(),
    approvalsReviewer: z.string().nullish(),
    /** Validated by normalizeSandboxPolicy (camelCase or the reference's kebab-case form). */
    sandboxPolicy: z.record(z.string(), z.unknown()).nullish(),
    model: z.string().nullish(),
    serviceTier: z.string().nullish(),
    effort: z.string().nullish(),
    summary: z.string().nullish(),
    personality: z.string().nullish(),
    outputSchema: z.unknown().optional(),
  })
  .passthrough();
export type TurnStartParams = z.infer<typeof TurnStartParams>;

export const TurnSteerParams = z.object({
  threadId,
  input,
  clientUserMessageId: z.string().nullish(),
  expectedTurnId: z.string().min(1, 'expectedTurnId must not be empty'),
});
export type TurnSteerParams = z.infer<typeof TurnSteerParams>;

export const TurnInterruptParams = z.object({ threadId, turnId: z.string().min(1, 'turnId must not be empty') });
export type TurnInterruptParams = z.infer<typeof TurnInterruptParams>;

export interface TurnRequests {
  'turn/start': { params: typeof TurnStartParams; result: { turn: Turn } };
  'turn/steer': { params: typeof TurnSteerParams; result: { turnId: string } };
  'turn/interrupt': { params: typeof TurnInterruptParams; result: Record<string, never> };
}
