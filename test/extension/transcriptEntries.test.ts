import assert from 'node:assert/strict';
import { Transcript } from '../../extension/chat/transcript';

describe('transcript entries from stored turns', () => {
  it('a reopened /ide prompt shows what the user typed, with the context as a chip', () => {
    const turn = {
      id: 't1',
      status: 'completed',
      items: [
        {
          type: 'userMessage',
          id: 'u1',
          content: [
            { type: 'text', text: 'what does this do?\n\n<ide_context>\n# IDE context\n- a.ts\n</ide_context>', text_elements: [] },
            { type: 'mention', name: 'a.ts', path: '/w/a.ts' },
          ],
        },
      ],
    } as any;
    const [entry] = Transcript.entriesFromTurns([turn]);
    assert.deepEqual(entry, {
      kind: 'user',
      id: 'u1',
      text: 'what does this do?',
      attachments: [{ label: 'IDE context' }, { label: '@a.ts', details: '/w/a.ts' }],
    });
  });
});
