/**
 * Loads the built chat webview (`dist/webview.js`) into jsdom with a stand-in
 * for `acquireVsCodeApi`, so tests can post host messages and read what the
 * webview posts back.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import type { HostToWebview, SessionInfo, WebviewToHost } from '../../webview/protocol';
import { REPO_ROOT } from '../helpers/protocolSchema';

export const BUNDLE = path.join(REPO_ROOT, 'dist', 'webview.js');

export interface WebviewHarness {
  dom: JSDOM;
  window: any;
  document: Document;
  posted: WebviewToHost[];
  state: { value: unknown };
  send(message: HostToWebview): void;
  transcript(): HTMLElement;
  close(): void;
}

export function session(overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    connection: 'connected',
    turnRunning: false,
    model: 'mock-model',
    approvalPolicy: '',
    sandboxMode: '',
    models: [{ id: 'mock-model', label: 'Mock model' }],
    pendingApprovals: 0,
    ...overrides,
  };
}

export function openWebview(initialState?: unknown): WebviewHarness {
  const dom = new JSDOM('<!DOCTYPE html><html><body><div id="app"></div></body></html>', {
    runScripts: 'outside-only',
    pretendToBeVisual: true,
    url: 'https://webview.invalid/',
  });
  const posted: WebviewToHost[] = [];
  const state = { value: initialState };
  const window = dom.window as any;
  window.acquireVsCodeApi = () => ({
    postMessage: (message: WebviewToHost) => posted.push(JSON.parse(JSON.stringify(message))),
    getState: () => state.value,
    setState: (value: unknown) => (state.value = JSON.parse(JSON.stringify(value))),
  });
  window.eval(fs.readFileSync(BUNDLE, 'utf8'));
  const send = (message: HostToWebview) => {
    window.dispatchEvent(new window.MessageEvent('message', { data: message }));
    window.codexChat.list.renderNow();
  };
  return {
    dom,
    window,
    document: window.document,
    posted,
    state,
    send,
    transcript: () => window.document.querySelector('.transcript'),
    close: () => window.close(),
  };
}


/** Builds the bundles when a test runs before `npm run build`. */
export function ensureWebviewBundle(): void {
  if (!fs.existsSync(BUNDLE)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' });
}
