/**
 * Everything the end-to-end session needs: the packaged .vsix installed into code-server with a
 * throwaway profile, a workspace (git repository), a CODEX_HOME pointing at the scripted model,
 * headless Chromium on the workbench, and the ways to reach the chat webview and the Codex views.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import {
  REPO_ROOT,
  createProfile,
  ensureCodeServer,
  installExtension,
  listLogFiles,
  startCodeServer,
  type Profile,
  type RunningCodeServer,
} from '../../scripts/codeServer';
import { ScriptedModel } from '../helpers/scriptedModel';
import { referenceEnv, testHome } from '../helpers/tempDir';
import { findWebviewFrame, openWorkbench, runCommand, type Workbench } from '../integration/harness/browser';
import { createWorkspace, removeUnlessKept } from '../integration/harness/integrationHarness';
import { sharedVsix } from '../integration/harness/sharedVsix';

export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

export interface SessionOptions {
  /**
   * 'ours' (default) runs the bundled dist/server.js; 'reference' points `codex.serverPath` at
   * the pinned official `codex app-server`, to tell UI problems from server problems.
   */
  server?: 'ours' | 'reference';
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /**
   * Called with CODEX_HOME after the model config is written (hooks, more config); may return
   * settings that depend on it (e.g. the URL of a remote server started on that CODEX_HOME).
   */
  prepareCodexHome?: (codexHome: string) => void | Record<string, unknown> | Promise<void | Record<string, unknown>>;
  /** Screenshot file prefix, so two e2e suites keep their pictures apart (default `e2e`). */
  screenshotPrefix?: string;
}

export class E2eSession {
  readonly model = new ScriptedModel();
  root = '';
  workspace = '';
  codexHome = '';
  profile!: Profile;
  codeServer!: RunningCodeServer;
  workbench!: Workbench;
  private codeServerEntry = '';
  private screenshotIndex = 0;
  private screenshotPrefix = 'e2e';
  private reference = false;

  get page(): Page {
    return this.workbench.page;
  }

  async start(options: SessionOptions = {}): Promise<void> {
    await this.model.start();
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-e2e-'));
    this.workspace = createWorkspace(path.join(this.root, 'workspace'));
    this.codexHome = path.join(this.root, 'codex-home');
    this.model.writeConfig(this.codexHome);
    const preparedSettings = (await options.prepareCodexHome?.(this.codexHome)) ?? {};
    this.screenshotPrefix = options.screenshotPrefix ?? 'e2e';

    // The reference's TMPDIR (a sandbox writable root) stays inside this session's folder.
    const serverEnv = { CODEX_HOME: this.codexHome, MOCK_KEY: 'e2e-key', ...(options.server === 'reference' ? referenceEnv(this.codexHome) : {}) };
    const settings: Record<string, unknown> = { 'codex.serverEnv': serverEnv, ...options.settings, ...preparedSettings };
    if (options.server === 'reference') {
      this.reference = true;
      settings['codex.serverPath'] = path.join(REPO_ROOT, 'node_modules', '.bin', 'codex');
      settings['codex.serverArgs'] = ['app-server'];
    }
    this.profile = createProfile(settings, path.join(this.root, 'profile'));
    this.codeServerEntry = await ensureCodeServer();
    await installExtension(this.codeServerEntry, this.profile, await sharedVsix());
    this.codeServer = await startCodeServer(this.codeServerEntry, {
      profile: this.profile,
      workspace: this.workspace,
      // The environment too, so nothing can fall back to the user's ~/.codex; and an empty HOME,
      // because commands run as login shells and the developer's profile must not leak in.
      env: { ...serverEnv, HOME: testHome() },
    });
    this.workbench = await openWorkbench(this.codeServer.url);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
  }

  async stop(): Promise<void> {
    await this.workbench?.close();
    await this.codeServer?.stop();
    await this.model.stop();
    if (this.root) removeUnlessKept(this.root);
  }

  /** Saves `test-results/<prefix>-NN-<name>.png`. */
  async screenshot(name: string): Promise<string> {
    this.screenshotIndex++;
    const file = path.join(RESULTS_DIR, `${this.screenshotPrefix}-${String(this.screenshotIndex).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Clicks the Codex icon in the activity bar, as a user opens the chat. */
  async openCodexContainer(): Promise<void> {
    const icon = this.page.locator('.activitybar .action-item a[aria-label^="Codex"], .activitybar .action-item[aria-label^="Codex"]').first();
    await icon.waitFor({ state: 'visible', timeout: 30_000 });
    const container = this.page.locator('.sidebar .composite.title h2', { hasText: /codex/i });
    if (!(await container.isVisible().catch(() => false))) await icon.click();
    await container.waitFor({ state: 'visible', timeout: 15_000 });
    await this.widenSideBar(620);
  }

  /** Drags the side bar's edge so the chat is readable in screenshots. */
  private async widenSideBar(width: number): Promise<void> {
    const sidebar = await this.page.locator('.part.sidebar').boundingBox();
    if (!sidebar || sidebar.width >= width - 10) return;
    const edge = sidebar.x + sidebar.width;
    const y = sidebar.y + sidebar.height / 2;
    await this.page.mouse.move(edge, y);
    await this.page.mouse.down();
    await this.page.mouse.move(edge + (width - sidebar.width) / 2, y, { steps: 4 });
    await this.page.mouse.move(sidebar.x + width, y, { steps: 4 });
    await this.page.mouse.up();
  }

  /** The chat webview's document (found by its composer). */
  async chatFrame(timeoutMs = 30_000): Promise<Frame> {
    return findWebviewFrame(this.page, '.composer-input', timeoutMs);
  }

  /** Types a prompt into the chat composer and sends it with Enter. */
  async sendPrompt(text: string): Promise<Frame> {
    const frame = await this.chatFrame();
    const input = frame.locator('.composer-input');
    await input.click();
    await input.fill(text);
    await input.press('Enter');
    return frame;
  }

  /** A tree view section in the Codex container, by its title (Threads, Hooks, Changes). */
  viewPane(title: string): Locator {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }) }).first();
  }

  /** Expands a collapsed view section. */
  async expandView(title: string): Promise<Locator> {
    const pane = this.viewPane(title);
    const header = pane.locator('.pane-header').first();
    await header.waitFor({ state: 'visible', timeout: 15_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    return pane;
  }

  runCommand(title: string): Promise<void> {
    return runCommand(this.page, title);
  }

  /** Opens a workspace file in the editor through Quick Open. */
  async openFile(relativePath: string): Promise<void> {
    // F1 opens the quick input wherever focus is (Ctrl+P may belong to a focused webview);
    // without the leading ">" it searches files.
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(relativePath);
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: path.basename(relativePath) }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab[aria-label^="${path.basename(relativePath)}"]`).first().waitFor({ timeout: 10_000 });
  }

  /** PIDs of our app-server processes (children of this code-server's extension host). */
  serverPids(): number[] {
    const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
    const marker = this.profile.extensionsDir;
    return out
      .split('\n')
      .filter((line) => (line.includes(marker) && /dist\/server\.js/.test(line)) || (this.reference && /codex.* app-server/.test(line)))
      .map((line) => Number(line.trim().split(/\s+/)[0]))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  }

  /** What to print when a step fails: the server log, the extension host log, the consoles. */
  async diagnostics(): Promise<string> {
    const parts: string[] = [];
    const transcript = await this.chatFrame(2_000)
      .then((frame) => frame.locator('body').innerText({ timeout: 2_000 }))
      .catch((error: Error) => `(chat webview not reachable: ${error.message.split('\n')[0]})`);
    parts.push(`--- chat webview text ---\n${transcript}`);
    for (const file of listLogFiles(this.profile)) {
      const base = path.basename(file);
      if (!/codex/i.test(base) && base !== 'exthost.log') continue;
      const text = fs.readFileSync(file, 'utf8').trim();
      if (text) parts.push(`--- ${path.relative(this.profile.userDataDir, file)} (last 12000 chars) ---\n${text.slice(-12_000)}`);
    }
    const webview = this.workbench?.consoleLines ?? [];
    parts.push(`--- browser console (${webview.length} lines, last 150) ---\n${webview.slice(-150).join('\n')}`);
    parts.push(`--- code-server output (last 4000 chars) ---\n${this.codeServer?.output().slice(-4000) ?? ''}`);
    parts.push(`--- scripted model: ${this.model.modelRequests.length} model request(s), ${this.model.pending} reply(ies) left ---`);
    return parts.join('\n');
  }
}

/** Polls until `check` returns a truthy value; the error names what was awaited. */
export async function eventually<T>(what: string, check: () => Promise<T> | T, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ''}`);
}
