/**
 * The review's findings on the extension side: the rendered review text (as
 * our server renders it, the same layout as the reference) parsed back into
 * findings, the chat entries built from review items, the Fix prompt, and
 * /review handing over to the review command.
 */
import assert from 'node:assert/strict';
import { parseReviewText } from '../../extension/review/parseReview';
import { fixPrompt } from '../../extension/review/fixPrompt';
import { runSlashCommand, type SlashCommandContext } from '../../extension/chat/slashCommands';
import { Transcript } from '../../extension/chat/transcript';
import { renderReview, reviewText } from '../../server/review/findings';

const output = {
  findings: [
    { title: '[P1] Uppercase two', body: 'Why uppercase?', confidence_score: 0.8, priority: 1, code_location: { absolute_file_path: '/w/a — b.txt', line_range: { start: 2, end: 2 } } },
    { title: '[P3] New file', body: 'First line\nsecond line', confidence_score: 0.4, priority: 3, code_location: { absolute_file_path: '/w/b.txt', line_range: { start: 1, end: 4 } } },
  ],
  overall_correctness: 'patch is incorrect',
  overall_explanation: 'Two issues.',
  overall_confidence_score: 0.7,
};

describe('review findings in the extension', () => {
  it('parses the rendered review back into findings (priority, title, path with a dash, lines, multi-line body)', () => {
    const parsed = parseReviewText(renderReview(output));
    assert.equal(parsed.explanation, 'Two issues.');
    assert.deepEqual(parsed.findings, [
      { title: '[P1] Uppercase two', priority: 1, path: '/w/a — b.txt', startLine: 2, endLine: 2, body: 'Why uppercase?' },
      { title: '[P3] New file', priority: 3, path: '/w/b.txt', startLine: 1, endLine: 4, body: 'First line\nsecond line' },
    ]);
  });

  it('a single finding uses the singular header and still parses', () => {
    const parsed = parseReviewText(renderReview({ ...output, findings: [output.findings[1]] }));
    assert.equal(parsed.findings.length, 1);
    assert.equal(parsed.findings[0].startLine, 1);
  });

  it('malformed model output is shown as is, with no findings', () => {
    const text = reviewText('Just prose, and {"findings": [{"title": "cut off"');
    assert.equal(text, 'Just prose, and {"findings": [{"title": "cut off"');
    assert.deepEqual(parseReviewText(text), { explanation: text, findings: [] });
    // A finding without its priority makes the whole answer unparsed, like the reference.
    const noPriority = JSON.stringify({ ...output, findings: [{ ...output.findings[0], priority: undefined }] });
    assert.equal(reviewText(noPriority), noPriority);
  });

  it('the chat shows a review entry once (the final message repeating it is dropped)', () => {
    const review = renderReview(output);
    const entries = Transcript.entriesFromTurns([
      {
        id: 't1',
        status: 'completed',
        items: [
          { type: 'enteredReviewMode', id: 'e', review: 'current changes' },
          { type: 'exitedReviewMode', id: 'x', review },
          { type: 'agentMessage', id: 'm', text: review },
        ],
      } as any,
    ]);
    assert.deepEqual(entries.map((e) => e.kind), ['notice', 'review']);
    const entry = entries[1] as Extract<(typeof entries)[number], { kind: 'review' }>;
    assert.equal(entry.findings.length, 2);
    assert.equal(entry.explanation, 'Two issues.');
  });

  it('Fix asks for that finding only, with its location', () => {
    const prompt = fixPrompt(parseReviewText(renderReview(output)).findings[1]);
    assert.match(prompt, /only this one: New file/);
    assert.match(prompt, /\/w\/b\.txt, lines 1-4/);
    assert.match(prompt, /First line\nsecond line/);
  });

  it('/review hands its argument to the review command', async () => {
    const commands: unknown[][] = [];
    const chat = { host: { executeCommand: async (...args: unknown[]) => void commands.push(args) } } as unknown as SlashCommandContext;
    await runSlashCommand(chat, 'review', ' branch main ');
    assert.deepEqual(commands, [['codex.review', 'branch main']]);
  });
});
