/**
 * MCP rows of the transcript: a tool call card (server, tool, arguments,
 * result, folded once finished) and an elicitation form (a server's question,
 * or the approval of a tool call) with Accept / Decline. Text reaches the DOM
 * only as `textContent` or input values.
 */
import { el } from './dom';
import type { ChatEntry, ElicitationAction, ElicitationField } from './protocol';

type McpToolEntry = Extract<ChatEntry, { kind: 'mcpTool' }>;
type ElicitationEntry = Extract<ChatEntry, { kind: 'elicitation' }>;

const MAX_RESULT_CHARS = 20_000;

const RESOLUTIONS: Record<ElicitationAction | 'resolved', string> = {
  accept: 'Accepted',
  decline: 'Declined',
  cancel: 'Cancelled',
  resolved: 'No longer waiting',
};

function icon(name: string, extra = ''): HTMLElement {
  return el('span', `codicon codicon-${name}${extra ? ` ${extra}` : ''}`);
}

function badge(status: McpToolEntry['status']): HTMLElement {
  const b = el('span', `badge status-${status}`);
  if (status === 'inProgress') b.append(icon('loading', 'codicon-modifier-spin'), el('span', '', 'running'));
  else b.append(icon(status === 'completed' ? 'check' : 'error'), el('span', '', status));
  if (status !== 'inProgress') b.classList.add(status === 'completed' ? 'ok' : 'fail');
  return b;
}

export function renderMcpTool(entry: McpToolEntry, expanded: Map<string, boolean>): HTMLElement {
  const details = el('details', 'card mcp-tool');
  details.dataset.toggleId = entry.id;
  // Failed calls show their details; others stay folded unless the user opens them. (A card created
  // open would report a 'toggle' that the view records as the user's choice, keeping it open for good.)
  details.open = expanded.get(entry.id) ?? entry.status === 'failed';
  const summary = el('summary', 'card-header');
  summary.append(icon('plug'), el('span', 'card-title mcp-server', entry.server), el('span', 'mcp-separator', '›'), el('code', 'mcp-tool-name', entry.tool), badge(entry.status));
  if (entry.durationMs !== null && entry.status !== 'inProgress') summary.append(el('span', 'duration', entry.durationMs < 1000 ? `${entry.durationMs} ms` : `${(entry.durationMs / 1000).toFixed(1)} s`));
  details.append(summary);
  details.append(el('div', 'mcp-label', 'Arguments'), el('pre', 'mcp-arguments', entry.arguments));
  if (entry.error) details.append(el('div', 'mcp-label', 'Error'), el('pre', 'mcp-error', entry.error));
  if (entry.result !== undefined) {
    const text = entry.result.length > MAX_RESULT_CHARS ? `${entry.result.slice(0, MAX_RESULT_CHARS)}\n… (${entry.result.length - MAX_RESULT_CHARS} more characters)` : entry.result;
    details.append(el('div', 'mcp-label', 'Result'), el('pre', 'mcp-result', text || '(empty result)'));
  }
  return details;
}

function input(field: ElicitationField, id: string): HTMLElement {
  const wrapper = el('label', 'elicitation-field');
  wrapper.append(el('span', 'elicitation-field-title', `${field.title}${field.required ? ' *' : ''}`));
  let control: HTMLInputElement | HTMLSelectElement;
  if (field.type === 'boolean') {
    control = el('input');
    control.type = 'checkbox';
  } else if (field.type === 'enum') {
    control = el('select');
    for (const option of field.options ?? []) {
      const item = el('option', '', option);
      item.value = option;
      control.append(item);
    }
  } else {
    control = el('input');
    control.type = field.type === 'string' ? 'text' : 'number';
    if (field.type === 'integer') control.step = '1';
  }
  control.name = field.name;
  control.dataset.field = field.name;
  control.dataset.fieldType = field.type;
  control.id = `${id}-${field.name}`;
  if (field.required && field.type !== 'boolean') control.required = true;
  wrapper.append(control);
  if (field.description) wrapper.append(el('span', 'elicitation-field-description', field.description));
  return wrapper;
}

export function renderElicitation(entry: ElicitationEntry): HTMLElement {
  const card = el('form', `card elicitation${entry.resolution ? ' resolved' : ' pending'}`);
  card.dataset.elicitationId = entry.id;
  const header = el('div', 'card-header');
  header.append(icon(entry.approval ? 'shield' : 'comment-discussion'), el('span', 'card-title', `${entry.serverName} asks`));
  card.append(header, el('div', 'elicitation-message', entry.message));
  if (entry.resolution) {
    card.append(el('div', 'approval-resolution', RESOLUTIONS[entry.resolution]));
    return card;
  }
  for (const field of entry.fields) card.append(input(field, entry.id));
  const actions = el('div', 'approval-actions');
  for (const [action, label, className] of [
    ['accept', entry.approval ? 'Allow' : 'Submit', 'button primary'],
    ['decline', entry.approval ? 'Deny' : 'Decline', 'button secondary'],
  ] as const) {
    const b = el('button', className);
    b.type = 'button';
    b.dataset.action = 'elicit';
    b.dataset.id = entry.id;
    b.dataset.elicitAction = action;
    b.append(el('span', 'label', label));
    actions.append(b);
  }
  card.append(actions);
  return card;
}

/** The form's values by field name (numbers stay text: the host converts them by the schema). */
export function readElicitationForm(form: HTMLElement): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-field]').forEach((control) => {
    const name = control.dataset.field!;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') values[name] = control.checked;
    else if (control.value !== '') values[name] = control.value;
  });
  return values;
}
