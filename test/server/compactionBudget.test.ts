import assert from 'node:assert/strict';
import { autoCompactLimit, effectiveContextWindow, rawContextWindow } from '../../server/compaction/budget';
import { buildReplacementHistory, keptUserMessages, KEPT_USER_MESSAGES_TOKENS } from '../../server/compaction/replacement';
import { isRealUserMessage, isSummaryMessage, summaryMessage } from '../../server/compaction/prompts';

const thread = (raw: Record<string, unknown>, model = 'mock-model') => ({ model, config: { raw } }) as any;
const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

describe('compaction budget and replacement history', () => {
  it('the window comes from model_context_window, else the catalog, else 272k; auto compaction at 90% or the configured limit, whichever is lower', () => {
    assert.equal(rawContextWindow(thread({})), 272_000);
    assert.equal(effectiveContextWindow(thread({})), 258_400);
    assert.equal(rawContextWindow(thread({ model_context_window: 100_000 })), 100_000);
    assert.equal(autoCompactLimit(thread({ model_context_window: 100_000 })), 90_000);
    assert.equal(autoCompactLimit(thread({ model_auto_compact_token_limit: 500 })), 500);
    assert.equal(autoCompactLimit(thread({ model_context_window: 1000, model_auto_compact_token_limit: 5000 })), 900);
    assert.equal(autoCompactLimit(thread({ model_auto_compact_token_limit: 'junk' })), 244_800);
  });

  it('keeps only what the user typed, newest first within the budget, and puts the summary where the phase needs it', () => {
    const history = [
      user('<environment_context>x</environment_context>'),
      user('first'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'answer' }] },
      summaryMessage('old summary'),
      user('second'),
      { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'c' },
    ];
    assert.deepEqual(keptUserMessages(history).map((m: any) => m.content[0].text), ['first', 'second']);
    const context = [user('<environment_context>new</environment_context>')];
    const standalone: any[] = buildReplacementHistory({ history, initialContext: context, summary: 'S', phase: 'standalone' });
    assert.deepEqual(standalone.map((m: any) => m.content[0].text.slice(0, 12)), ['<environment', 'first', 'second', standalone[3].content[0].text.slice(0, 12)]);
    assert.ok(isSummaryMessage(standalone[3]) && !isRealUserMessage(standalone[3]));
    const midTurn: any[] = buildReplacementHistory({ history, initialContext: context, summary: 'S', phase: 'midTurn' });
    assert.deepEqual(midTurn.slice(0, 3).map((m: any) => m.content[0].text), ['first', '<environment_context>new</environment_context>', 'second']);
    assert.ok(isSummaryMessage(midTurn[3]));

    const big = 'x'.repeat(KEPT_USER_MESSAGES_TOKENS * 4);
    assert.deepEqual(keptUserMessages([user('old'), user(big), user('new')]).map((m: any) => m.content[0].text), ['new'], 'a message that would cross the budget and everything older is left to the summary');
  });
});
