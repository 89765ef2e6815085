/**
 * The first-run welcome card (no usable provider or credentials) and the same
 * choices as a row under a credentials error. Buttons carry
 * `data-action="setup"`; the transcript's and the card's click handlers post
 * `{type: 'setup', action}` to the host.
 */
import { el } from './dom';
import { SETUP_ACTIONS, type SetupAction } from './protocol';

/** Errors that mean "no usable credentials": missing key, refused key. */
const CREDENTIALS_ERROR =
  /Missing environment variable: `?OPENAI_API_KEY|No OpenAI API key|Incorrect API key|invalid[_ ]api[_ ]key|\b401\b|Unauthorized|authentication required|not signed in/i;

export function isCredentialsError(text: string): boolean {
  return CREDENTIALS_ERROR.test(text);
}

function actionButton(action: SetupAction, label: string, primary: boolean): HTMLButtonElement {
  const button = el('button', `button ${primary ? 'primary' : 'secondary'} setup-action`, label);
  button.type = 'button';
  button.dataset.action = 'setup';
  button.dataset.setup = action;
  return button;
}

/** The choices as a compact row (under an error). */
export function setupActionsRow(): HTMLElement {
  const row = el('div', 'setup-actions');
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', 'Set up a model provider');
  SETUP_ACTIONS.forEach(({ action, label }, index) => row.append(actionButton(action, label, index === 0)));
  return row;
}

/** The card shown instead of the empty transcript. */
export function welcomeCard(): HTMLElement {
  const card = el('section', 'welcome-card');
  card.setAttribute('aria-label', 'Welcome to Codex');
  card.append(el('h2', 'welcome-title', 'Welcome to Codex'), el('p', 'welcome-lead', 'Codex needs a model to talk to. Choose how to connect one:'));
  const list = el('div', 'welcome-actions');
  SETUP_ACTIONS.forEach(({ action, label, description }, index) => {
    const item = el('div', 'welcome-action');
    item.append(actionButton(action, label, index === 0), el('span', 'welcome-description', description));
    list.append(item);
  });
  card.append(list);
  return card;
}

/** The setup action of a clicked button, if it is one. */
export function setupActionOf(target: EventTarget | null): SetupAction | undefined {
  const button = (target as HTMLElement | null)?.closest?.<HTMLElement>('[data-action="setup"]');
  const action = button?.dataset.setup;
  return SETUP_ACTIONS.some((a) => a.action === action) ? (action as SetupAction) : undefined;
}
