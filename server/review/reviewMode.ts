/**
 * The turn mode of a review: the model sees the review instructions, the
 * environment, the target's diff and the request, in a conversation of its
 * own. When the loop ends, its answer becomes `exitedReviewMode` (the
 * rendered findings) and a final agent message, and the thread's history
 * gets the request and the result so that follow-up turns (fix a finding)
 * know what was found.
 */
import { v7 as uuidv7 } from 'uuid';
import type { ResponseItem } from '../providers/modelClient';
import type { LoadedThread } from '../thread/loadedThread';
import { environmentContext, userMessage } from '../turn/context';
import type { RunningTurn } from '../turn/runningTurn';
import type { TurnMode } from '../turn/turnMode';
import type { TargetDiff } from './git';
import { REVIEW_INSTRUCTIONS } from './instructions';
import type { ReviewTarget } from '../../protocol/review';
import { reviewText } from './findings';
import { diffMessage, targetRequest } from './target';

export class ReviewMode implements TurnMode {
  readonly instructions = REVIEW_INSTRUCTIONS;
  readonly conversation: ResponseItem[] = [];
  private runner: RunningTurn | null = null;

  constructor(
    private readonly thread: LoadedThread,
    private readonly turnId: string,
    private readonly target: ReviewTarget,
    private readonly diff: TargetDiff,
  ) {}

  attach(runner: RunningTurn): void {
    this.runner = runner;
  }

  /** Emits `enteredReviewMode` with the target's label. */
  enter(label: string): void {
    const item = { type: 'enteredReviewMode' as const, id: uuidv7(), review: label };
    this.runner!.notifyItem('started', item);
    this.runner!.notifyItem('completed', { ...item });
  }

  preamble(): ResponseItem[] {
    const items = [environmentContext(this.thread.cwd, this.thread.sandbox, this.thread.approvalPolicy)];
    const diff = diffMessage(this.target, this.diff);
    if (diff) items.push(userMessage(diff));
    return items;
  }

  close(status: 'completed' | 'interrupted' | 'failed', lastAgentMessage: string | null): void {
    const runner = this.runner!;
    const text =
      status === 'completed' ? reviewText(lastAgentMessage) : status === 'interrupted' ? 'The review was interrupted.' : 'The review failed before the reviewer answered.';
    const exited = { type: 'exitedReviewMode' as const, id: uuidv7(), review: text };
    runner.notifyItem('started', exited);
    runner.notifyItem('completed', { ...exited });
    if (status !== 'completed') return;
    const message = { type: 'agentMessage' as const, id: `msg_${uuidv7()}`, text, phase: null, moderation: null, memoryCitation: null, delivery: null, questions: null };
    runner.notifyItem('started', message);
    runner.notifyItem('completed', { ...message });
    this.thread.appendHistory(
      [userMessage(targetRequest(this.target, this.diff)), { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }],
      this.turnId,
    );
  }
}
