/**
 * The tools offered to the model. Names and argument shapes follow the
 * reference server so the same models and scripts work with both; the
 * descriptions are our own.
 */
import type { ToolSpec } from '../providers/modelClient';

const fn = (name: string, description: string, properties: Record<string, unknown>, required: string[]): ToolSpec => ({
  type: 'function',
  name,
  description,
  strict: false,
  parameters: { type: 'object', properties, required, additionalProperties: false },
});

const EXEC_COMMAND = fn(
  'exec_command',
  'Run a shell command in a terminal session. Returns its output, or a session id to keep talking to it with write_stdin.',
  {
    cmd: { type: 'string', description: 'The shell command to run.' },
    workdir: { type: 'string', description: 'Directory to run in; defaults to the turn cwd.' },
    yield_time_ms: { type: 'number', description: 'How long to wait for output before returning (250-30000 ms, default 10000).' },
    max_output_tokens: { type: 'number', description: 'Output budget in tokens (default 10000); longer output keeps its head and tail.' },
    tty: { type: 'boolean', description: 'Allocate a PTY (for interactive programs). Defaults to false.' },
    login: { type: 'boolean', description: 'Run the shell as a login shell (-l). Defaults to true.' },
    shell: { type: 'string', description: 'Shell binary; defaults to the user shell.' },
    sandbox_permissions: {
      type: 'string',
      enum: ['use_default', 'require_escalated'],
      description: 'use_default runs in the sandbox; require_escalated asks the user to run it outside.',
    },
    justification: { type: 'string', description: 'Why escalation is needed; shown to the user with require_escalated.' },
    prefix_rule: { type: 'array', items: { type: 'string' }, description: 'Command prefix the user may approve for later runs.' },
  },
  ['cmd'],
);

const WRITE_STDIN = fn(
  'write_stdin',
  'Write characters to a running exec_command session and return the output produced since the last read.',
  {
    session_id: { type: 'number', description: 'Session id returned by exec_command.' },
    chars: { type: 'string', description: 'Characters to write; empty only polls for output.' },
    yield_time_ms: { type: 'number', description: 'How long to wait for output before returning.' },
    max_output_tokens: { type: 'number', description: 'Output budget in tokens.' },
  },
  ['session_id'],
);

const APPLY_PATCH = fn(
  'apply_patch',
  [
    'Edit files with a patch. Format:',
    '*** Begin Patch',
    '*** Add File: <path>      then lines starting with +',
    '*** Delete File: <path>',
    '*** Update File: <path>   optionally followed by *** Move to: <new path>',
    '@@ <line near the change>  then context lines (space), removed (-) and added (+) lines',
    '*** End Patch',
    'Paths are relative to the cwd.',
  ].join('\n'),
  { input: { type: 'string', description: 'The whole patch, from *** Begin Patch to *** End Patch.' } },
  ['input'],
);

const UPDATE_PLAN = fn(
  'update_plan',
  'Share or update your step-by-step plan. At most one step is in_progress at a time.',
  {
    explanation: { type: 'string' },
    plan: {
      type: 'array',
      items: {
        type: 'object',
        properties: { step: { type: 'string' }, status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] } },
        required: ['step', 'status'],
        additionalProperties: false,
      },
    },
  },
  ['plan'],
);

export const ALL_TOOLS: ToolSpec[] = [EXEC_COMMAND, WRITE_STDIN, APPLY_PATCH, UPDATE_PLAN];
