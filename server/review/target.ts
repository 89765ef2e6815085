/**
 * How a review target is named: the short label `enteredReviewMode` and the
 * review/start response show (the reference's labels, which clients match),
 * and the request the model and the transcript get (our own wording).
 */
import type { ReviewTarget } from '../../protocol/review';
import type { TargetDiff } from './git';

/** The label the reference shows for a target, e.g. "changes against 'main'". */
export function targetLabel(target: ReviewTarget): string {
  switch (target.type) {
    case 'uncommittedChanges':
      return 'current changes';
    case 'baseBranch':
      return `changes against '${target.branch}'`;
    case 'commit': {
      const short = target.sha.slice(0, 7);
      return target.title ? `commit ${short}: ${target.title}` : `commit ${short}`;
    }
    case 'custom':
      return target.instructions.trim();
  }
}

/** The review request as the user message shows it. */
export function targetRequest(target: ReviewTarget, diff: TargetDiff): string {
  switch (target.type) {
    case 'uncommittedChanges':
      return 'Review my uncommitted changes (staged, unstaged and new files) and list prioritized findings.';
    case 'baseBranch': {
      const base = diff.mergeBase ? ` (merge base ${diff.mergeBase}; \`git diff ${diff.mergeBase}\` shows them)` : '';
      return `Review the changes on this branch against '${target.branch}'${base} and list prioritized findings.`;
    }
    case 'commit': {
      const title = target.title ? ` ("${target.title}")` : '';
      return `Review commit ${target.sha}${title} and list prioritized findings.`;
    }
    case 'custom':
      return target.instructions.trim();
  }
}

/** The model-only message carrying the diff git computed (or why there is none). */
export function diffMessage(target: ReviewTarget, diff: TargetDiff): string | null {
  if (target.type === 'custom') return null;
  if (diff.problem) return `git could not produce the diff for this review: ${diff.problem}\nInspect the repository yourself with git if you can.`;
  if (!diff.diff.trim()) return 'git shows no changes for this target.';
  const cut = diff.truncated ? '\n(The diff was cut here because of its size; run git yourself for the rest.)' : '';
  return `The diff under review, from git:\n\n\`\`\`diff\n${diff.diff}\n\`\`\`${cut}`;
}
