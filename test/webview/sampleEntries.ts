/** One of every kind of chat entry, as a user meets them, for theme and layout checks. */
import type { ChatEntry } from '../../webview/protocol';

export const SAMPLE_MARKDOWN = [
  '# Plan for the refactor',
  '',
  'Here is what I found in `src/calc.ts` and a [link to the docs](https://example.com/docs).',
  '',
  'The API is in [`docs/api.md`](https://example.com/api); **bold** and _emphasis_ too.',
  '',
  '## Steps',
  '',
  '1. Read the functions',
  '2. Add guards',
  '',
  '| function | status |',
  '| --- | --- |',
  '| add | ok |',
  '| div | guard |',
  '',
  '```typescript',
  'export function div(a: number, b: number): number {',
  "  if (b === 0) throw new Error('division by zero'); // guard",
  '  return a / 2;',
  '}',
  '```',
  '',
  '> Keep it simple.',
].join('\n');

export function sampleEntries(): ChatEntry[] {
  return [
    { kind: 'user', id: 'u1', text: 'Harden calc.ts\nand explain the plan', attachments: [{ label: 'calc.ts', details: '/ws/src/calc.ts' }] },
    { kind: 'reasoning', id: 'r1', summary: ['**Inspecting calc.ts** before proposing changes.'], streaming: false },
    { kind: 'agent', id: 'a1', text: SAMPLE_MARKDOWN, streaming: false },
    { kind: 'command', id: 'c1', command: 'npm test', cwd: '/ws', output: 'ok 1 add\nok 2 div\n', exitCode: 0, status: 'completed', durationMs: 1200 },
    { kind: 'command', id: 'c2', command: 'false && echo never', cwd: '/ws', output: 'Error: something failed\n', exitCode: 1, status: 'failed', durationMs: 80 },
    { kind: 'command', id: 'c3', command: 'sleep 10', cwd: '/ws', output: 'waiting…\n', exitCode: null, status: 'inProgress', durationMs: null },
    {
      kind: 'fileChange',
      id: 'f1',
      files: [
        { path: 'src/calc.ts', kind: 'update', added: 2, removed: 1 },
        { path: 'src/notes.md', kind: 'add', added: 1, removed: 0 },
      ],
      status: 'completed',
    },
    {
      kind: 'plan',
      id: 'p1',
      explanation: 'Three steps',
      steps: [
        { step: 'Read calc.ts', status: 'completed' },
        { step: 'Add guards', status: 'inProgress' },
        { step: 'Run the tests', status: 'pending' },
      ],
    },
    { kind: 'approval', id: 'ap1', approvalKind: 'command', title: 'Run a command?', detail: 'rm -rf build', reason: 'Clean the build output', decisions: ['accept', 'acceptForSession', 'decline', 'cancel'] },
    { kind: 'approval', id: 'ap2', approvalKind: 'fileChange', title: 'Apply changes?', detail: 'src/calc.ts', decisions: ['accept', 'decline'], resolution: 'decline' },
    { kind: 'tool', id: 't1', title: 'web_search', status: 'completed', detail: 'codex app-server protocol' },
    { kind: 'notice', id: 'n1', level: 'error', text: 'The model returned 500 Internal Server Error.' },
    { kind: 'notice', id: 'n2', level: 'warning', text: 'Context is almost full.' },
    { kind: 'notice', id: 'n3', level: 'info', text: 'Turn interrupted.' },
  ];
}
