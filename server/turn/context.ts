/**
 * What the model is told besides the conversation: our base instructions,
 * the AGENTS.md files from the repository root down to the cwd, and an
 * environment context (cwd, shell, date, sandbox).
 */
import fs from 'node:fs';
import path from 'node:path';
import { instructionSourcesFor } from '../thread/instructions';
import type { SandboxPolicy } from '../../protocol/items';
import type { ResponseItem } from '../providers/modelClient';
import { defaultShell } from '../sandbox/bubblewrap';

export const BASE_INSTRUCTIONS = `You are a coding agent working in the user's workspace through tools.

How to work:
- Understand the request, look at the relevant code, then make focused changes that fit the project's style.
- Use exec_command to run shell commands (search with rg, read files, run builds and tests). Keep commands non-interactive unless you need write_stdin.
- Edit files with apply_patch. Do not rewrite whole files when a small patch will do.
- For multi-step work, keep a short plan with update_plan and mark steps as you finish them.
- Commands may run in a sandbox. If one fails because of the sandbox and it matters, rerun it with sandbox_permissions "require_escalated" and a one-line justification; the user decides.
- Follow instructions in AGENTS.md files; deeper files take precedence for their folder.
- Verify your work when you can (tests, type checks), and say so when you could not.

When you answer: be concise and concrete, reference files by path, and summarize what changed and what is left.`;

function textMessage(role: 'user' | 'developer', text: string): ResponseItem {
  return { type: 'message', role, content: [{ type: 'input_text', text }] };
}

/** One user message with every AGENTS.md that applies to `cwd` (null when there are none). */
export function agentsInstructions(codexHome: string, cwd: string): ResponseItem | null {
  const sections: string[] = [];
  for (const file of instructionSourcesFor(codexHome, cwd)) {
    try {
      const text = fs.readFileSync(file, 'utf8').trim();
      if (text) sections.push(`<!-- ${path.dirname(file)} -->\n${text}`);
    } catch {
      /* unreadable files are skipped */
    }
  }
  if (!sections.length) return null;
  return textMessage('user', `# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\n${sections.join('\n\n')}\n</INSTRUCTIONS>`);
}

export function environmentContext(cwd: string, sandbox: SandboxPolicy, approvalPolicy: unknown): ResponseItem {
  const now = new Date();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const sandboxLine =
    sandbox.type === 'workspaceWrite'
      ? `workspace-write (writable: ${[cwd, ...sandbox.writableRoots.filter((r) => r !== cwd)].join(', ')}; network ${sandbox.networkAccess ? 'enabled' : 'disabled'})`
      : sandbox.type === 'readOnly'
        ? 'read-only'
        : 'danger-full-access';
  return textMessage(
    'user',
    [
      '<environment_context>',
      `  <cwd>${cwd}</cwd>`,
      `  <shell>${path.basename(defaultShell())}</shell>`,
      `  <current_date>${now.toISOString().slice(0, 10)}</current_date>`,
      `  <timezone>${zone}</timezone>`,
      `  <sandbox_mode>${sandboxLine}</sandbox_mode>`,
      `  <approval_policy>${typeof approvalPolicy === 'string' ? approvalPolicy : 'granular'}</approval_policy>`,
      '</environment_context>',
    ].join('\n'),
  );
}

/**
 * Told to the model after the user stopped a turn (as the reference does, in its own words), so
 * that it does not take the stopped work for finished.
 */
export const TURN_ABORTED_NOTE =
  '<turn_aborted>\nThe user stopped the previous turn. Commands or edits it had started may be only partly done, and processes it left in the background may still be running.\n</turn_aborted>';

export function developerMessage(text: string): ResponseItem {
  return textMessage('developer', text);
}

export function userMessage(text: string): ResponseItem {
  return textMessage('user', text);
}
