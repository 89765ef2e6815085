/**
 * One transcript entry → one DOM row. Model and tool text only ever reaches
 * the DOM as `textContent` or through the sanitizing markdown renderer.
 * Buttons carry `data-action` attributes; `main.ts` handles clicks for the
 * whole list in one place.
 */
import { el } from './dom';
import { renderMarkdownInto } from './markdown';
import { renderElicitation, renderMcpTool } from './mcpCards';
import type { ApprovalDecision, ChatEntry, FileChangeSummary, PlanStep } from './protocol';
import { renderSkillsList } from './skillsList';
import { countOf } from '../shared/plural';
import { displayPath } from '../shared/displayPath';
import { isCredentialsError, setupActionsRow } from './welcome';

/** UI state that must survive a row being re-rendered or scrolled out and back. */
export interface RenderState {
  /** Reasoning/command rows the user expanded or collapsed (id → open). */
  expanded: Map<string, boolean>;
  /** Workspace folders, for file names with workspace-relative folders. */
  workspaceRoots?: string[];
}

/** Command output shown in a card is capped; the full text stays in the entry. */
const MAX_OUTPUT_CHARS = 50_000;

const DECISION_LABELS: Record<ApprovalDecision, string> = {
  accept: 'Accept',
  acceptForSession: 'Accept for session',
  decline: 'Decline',
  cancel: 'Cancel turn',
};

/** What a resolved approval card says happened (past tense: the buttons are gone). */
const RESOLUTION_LABELS: Record<ApprovalDecision | 'resolved', string> = {
  accept: 'Accepted',
  acceptForSession: 'Accepted for this session',
  decline: 'Declined',
  cancel: 'Declined; turn cancelled',
  resolved: 'No longer waiting',
};

function icon(name: string, extra = ''): HTMLElement {
  return el('span', `codicon codicon-${name}${extra ? ` ${extra}` : ''}`);
}

function button(label: string, action: string, data: Record<string, string>, iconName?: string, className = 'button'): HTMLButtonElement {
  const b = el('button', className);
  b.type = 'button';
  b.dataset.action = action;
  for (const [key, value] of Object.entries(data)) b.dataset[key] = value;
  if (iconName) b.append(icon(iconName));
  if (label) b.append(el('span', 'label', label));
  return b;
}

export function renderEntry(entry: ChatEntry, state: RenderState): HTMLElement {
  const row = el('div', `entry entry-${entry.kind}`);
  row.dataset.id = entry.id;
  switch (entry.kind) {
    case 'user': {
      const bubble = el('div', 'user-bubble', entry.text);
      row.append(bubble);
      if (entry.attachments?.length) {
        const chips = el('div', 'chips');
        for (const chip of entry.attachments) {
          const c = el('span', chip.skill ? 'chip chip-skill' : chip.image ? 'chip image-chip' : 'chip');
          if (chip.skill) c.append(icon('sparkle'));
          c.append(el('span', '', chip.label));
          if (chip.details) c.title = chip.details;
          if (chip.image) {
            // Only data URLs: the CSP allows no other image source for user content.
            const thumb = el('img', 'chip-image');
            if (chip.image.startsWith('data:image/')) thumb.src = chip.image;
            thumb.alt = chip.label;
            c.prepend(thumb);
          }
          chips.append(c);
        }
        row.append(chips);
      }
      // Icon only (the row's text stays the message); named for hover and screen readers.
      const undo = button('', 'undo-to', { id: entry.id }, 'discard', 'button undo-to-here');
      undo.title = 'Undo to here';
      undo.setAttribute('aria-label', 'Undo to here');
      row.append(undo);
      break;
    }
    case 'agent': {
      const body = el('div', 'markdown');
      renderMarkdownInto(body, entry.text, !entry.streaming);
      row.append(body);
      if (entry.streaming) row.classList.add('streaming');
      break;
    }
    case 'reasoning': {
      const details = el('details', 'reasoning');
      details.dataset.toggleId = entry.id;
      details.open = state.expanded.get(entry.id) ?? false;
      const summary = el('summary');
      summary.append(icon(entry.streaming ? 'loading' : 'lightbulb', entry.streaming ? 'codicon-modifier-spin' : ''), el('span', '', entry.streaming ? 'Thinking…' : 'Reasoning'));
      const firstLine = entry.summary.find((part) => part.trim())?.split('\n')[0]?.replace(/\*\*/g, '');
      if (firstLine) summary.append(el('span', 'reasoning-title', firstLine));
      const body = el('div', 'markdown');
      renderMarkdownInto(body, entry.summary.join('\n\n'), !entry.streaming);
      details.append(summary, body);
      row.append(details);
      break;
    }
    case 'command':
      row.append(renderCommand(entry, state));
      break;
    case 'fileChange':
      row.append(renderFileChange(entry.files, entry.status, entry.awaitingApproval, state.workspaceRoots));
      break;
    case 'plan':
      row.append(renderPlan(entry.explanation, entry.steps));
      break;
    case 'tool': {
      const card = el('div', 'card tool');
      const header = el('div', 'card-header');
      header.append(icon('tools'), el('span', 'card-title', entry.title), statusBadge(entry.status));
      card.append(header);
      if (entry.detail) card.append(el('div', 'card-detail', entry.detail));
      row.append(card);
      break;
    }
    case 'skills':
      row.append(renderSkillsList(entry));
      break;
    case 'mcpTool':
      row.append(renderMcpTool(entry, state.expanded));
      break;
    case 'elicitation':
      row.append(renderElicitation(entry));
      break;
    case 'notice': {
      row.classList.add(`notice-${entry.level}`);
      row.setAttribute('role', entry.level === 'error' ? 'alert' : 'status');
      row.append(icon(entry.level === 'error' ? 'error' : entry.level === 'warning' ? 'warning' : 'info'), el('div', 'notice-text', entry.text));
      // A prompt refused for lack of credentials offers the welcome card's choices right there.
      if (entry.level === 'error' && isCredentialsError(entry.text)) {
        row.classList.add('notice-with-actions');
        row.append(setupActionsRow());
      }
      break;
    }
    case 'approval':
      row.append(renderApproval(entry));
      break;
    case 'marker':
      row.setAttribute('role', 'status');
      row.classList.toggle('marker-pending', entry.pending === true);
      row.append(el('span', 'marker-text', entry.text));
      break;
    case 'review':
      row.append(renderReview(entry));
      break;
  }
  return row;
}

/** A finished review: the verdict, then each finding with its priority badge, title, location link and body. */
function renderReview(entry: Extract<ChatEntry, { kind: 'review' }>): HTMLElement {
  const card = el('div', 'card review');
  const header = el('div', 'card-header');
  const count = entry.findings.length;
  header.append(icon('checklist'), el('span', 'card-title', count ? `Review: ${count} finding${count === 1 ? '' : 's'}` : 'Review'));
  card.append(header);
  if (entry.explanation) {
    const explanation = el('div', 'review-explanation markdown');
    renderMarkdownInto(explanation, entry.explanation);
    card.append(explanation);
  }
  const list = el('ul', 'review-findings');
  for (const finding of entry.findings) {
    const item = el('li', 'review-finding');
    const head = el('div', 'review-finding-head');
    const priority = finding.priority === null ? 'P?' : `P${finding.priority}`;
    head.append(el('span', `badge priority priority-${finding.priority ?? 'none'}`, priority), el('span', 'review-finding-title', finding.title.replace(/^\[P[0-3]\]\s*/, '')));
    const where = button('', 'open-location', { path: finding.path, start: String(finding.startLine), end: String(finding.endLine) }, undefined, 'link file-path');
    const name = finding.path.split(/[\\/]/).pop() ?? finding.path;
    where.textContent = `${name}:${finding.startLine}${finding.endLine !== finding.startLine ? `-${finding.endLine}` : ''}`;
    where.title = `Open ${finding.path} at line ${finding.startLine}`;
    item.append(head, where);
    if (finding.body) {
      const body = el('div', 'review-finding-body markdown');
      renderMarkdownInto(body, finding.body);
      item.append(body);
    }
    list.append(item);
  }
  if (count) card.append(list);
  return card;
}

function statusBadge(status: string, exitCode?: number | null, awaitingApproval = false): HTMLElement {
  const badge = el('span', `badge status-${status}`);
  if (status === 'inProgress' && awaitingApproval) {
    badge.classList.add('awaiting-approval');
    badge.append(icon('question'), el('span', '', 'awaiting approval'));
  } else if (status === 'inProgress') {
    badge.append(icon('loading', 'codicon-modifier-spin'), el('span', '', 'running'));
  } else if (exitCode !== undefined && exitCode !== null) {
    badge.classList.add(exitCode === 0 ? 'ok' : 'fail');
    badge.append(icon(exitCode === 0 ? 'check' : 'error'), el('span', '', `exit ${exitCode}`));
  } else {
    badge.textContent = status;
  }
  return badge;
}

function renderCommand(entry: Extract<ChatEntry, { kind: 'command' }>, state: RenderState): HTMLElement {
  const details = el('details', 'card command');
  details.dataset.toggleId = entry.id;
  // Running commands show their live output; finished ones fold unless opened.
  details.open = state.expanded.get(entry.id) ?? (entry.status === 'inProgress' || (entry.exitCode !== null && entry.exitCode !== 0));
  const summary = el('summary', 'card-header');
  summary.append(icon('terminal'), el('code', 'command-line', entry.command), statusBadge(entry.status, entry.exitCode, entry.awaitingApproval));
  if (entry.durationMs !== null && entry.status !== 'inProgress') summary.append(el('span', 'duration', formatDuration(entry.durationMs)));
  details.append(summary);
  const output = entry.output.length > MAX_OUTPUT_CHARS ? `… (${countOf(entry.output.length - MAX_OUTPUT_CHARS, 'earlier character')} not shown)\n${entry.output.slice(-MAX_OUTPUT_CHARS)}` : entry.output;
  const pre = el('pre', 'command-output');
  const placeholder = entry.status === 'inProgress' ? '' : entry.status === 'declined' ? '(not run: declined)' : '(no output)';
  pre.append(el('span', 'command-output-text', output || placeholder));
  details.append(pre);
  if (entry.cwd) details.append(el('div', 'card-footer', entry.cwd));
  return details;
}

function renderFileChange(files: FileChangeSummary[], status: string, awaitingApproval = false, workspaceRoots: string[] = []): HTMLElement {
  const card = el('div', 'card file-change');
  const header = el('div', 'card-header');
  const added = files.reduce((sum, f) => sum + f.added, 0);
  const removed = files.reduce((sum, f) => sum + f.removed, 0);
  header.append(
    icon('diff'),
    el('span', 'card-title', `${countOf(files.length, 'file')} ${awaitingApproval ? 'to change' : status === 'inProgress' ? 'changing' : 'changed'}`),
    el('span', 'added', `+${added}`),
    el('span', 'removed', `−${removed}`),
  );
  if (status !== 'completed' && (status !== 'inProgress' || awaitingApproval)) header.append(statusBadge(status, undefined, awaitingApproval));
  card.append(header);
  const list = el('ul', 'file-list');
  for (const file of files) {
    const item = el('li', 'file-row');
    const kindIcon = file.kind === 'add' ? 'diff-added' : file.kind === 'delete' ? 'diff-removed' : 'diff-modified';
    // Name first, folder after (the side bar cuts long paths off); the full path is the tooltip.
    const target = file.movePath ?? file.path;
    const shown = displayPath(target, workspaceRoots);
    const open = button('', 'open-file', { path: target }, undefined, 'link file-path');
    open.append(el('span', 'file-name', shown.name));
    if (file.movePath) open.append(el('span', 'file-moved', ` ← ${displayPath(file.path, workspaceRoots).name}`));
    if (shown.folder) open.append(el('span', 'file-folder', shown.folder));
    open.title = file.movePath ? `${file.path} → ${file.movePath}` : file.path;
    open.setAttribute('aria-label', `Open ${target}`);
    item.append(icon(kindIcon), open, el('span', 'added', `+${file.added}`), el('span', 'removed', `−${file.removed}`));
    const diff = button('', 'open-diff', { path: target }, 'diff', 'icon-button');
    diff.title = `Open diff of ${shown.name}`;
    diff.setAttribute('aria-label', `Open diff of ${target}`);
    item.append(diff);
    list.append(item);
  }
  card.append(list);
  return card;
}

function renderPlan(explanation: string | null, steps: PlanStep[]): HTMLElement {
  const card = el('div', 'card plan');
  const header = el('div', 'card-header');
  const done = steps.filter((s) => s.status === 'completed').length;
  header.append(icon('checklist'), el('span', 'card-title', `Plan ${done}/${steps.length}`));
  card.append(header);
  if (explanation) card.append(el('div', 'card-detail', explanation));
  const list = el('ul', 'plan-steps');
  for (const step of steps) {
    const item = el('li', `plan-step step-${step.status}`);
    const iconName = step.status === 'completed' ? 'pass-filled' : step.status === 'inProgress' ? 'circle-large-filled' : 'circle-large-outline';
    item.append(icon(iconName), el('span', '', step.step));
    item.setAttribute('aria-checked', String(step.status === 'completed'));
    item.setAttribute('role', 'checkbox');
    list.append(item);
  }
  card.append(list);
  return card;
}

function renderApproval(entry: Extract<ChatEntry, { kind: 'approval' }>): HTMLElement {
  const card = el('div', `card approval${entry.resolution ? ' resolved' : ' pending'}`);
  const header = el('div', 'card-header');
  header.append(icon(entry.approvalKind === 'command' ? 'terminal' : 'diff'), el('span', 'card-title', entry.title));
  card.append(header);
  card.append(el('pre', 'approval-detail', entry.detail));
  if (entry.reason) card.append(el('div', 'card-detail', entry.reason));
  if (entry.resolution) {
    card.append(el('div', 'approval-resolution', RESOLUTION_LABELS[entry.resolution]));
  } else {
    const actions = el('div', 'approval-actions');
    for (const decision of entry.decisions) {
      const b = button(DECISION_LABELS[decision], 'approve', { id: entry.id, decision }, undefined, decision === 'accept' ? 'button primary' : 'button secondary');
      actions.append(b);
    }
    card.append(actions);
  }
  return card;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A rough height before the row is measured, so the scrollbar is about right. */
export function estimateEntryHeight(entry: ChatEntry): number {
  switch (entry.kind) {
    case 'user':
      return 40 + Math.ceil(entry.text.length / 60) * 18;
    case 'agent':
      return 24 + Math.ceil(entry.text.length / 70) * 20;
    case 'reasoning':
      return 32;
    case 'command':
      return entry.status === 'inProgress' ? 140 : 40;
    case 'fileChange':
      return 44 + entry.files.length * 26;
    case 'plan':
      return 44 + entry.steps.length * 24;
    case 'approval':
    case 'elicitation':
      return 140;
    case 'skills':
      return 60 + (entry.skills.length + entry.errors.length) * 30;
    case 'mcpTool':
      return entry.status === 'completed' ? 40 : 120;
    default:
      return 36;
  }
}
