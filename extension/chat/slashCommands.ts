/**
 * The chat's slash commands (/new, /resume, /fork, /ide, /diff, /model, /compact, /goal, /hooks,
 * /status, /clear, /skills, /init, /mention, /permissions, /copy, /debug-config, /review).
 */
import type { CodexClient } from '../client/codexClient';
import type { ThreadSessionResponse, ThreadTokenUsage } from '../../protocol';
import type { PromptAttachment } from '../services';
import type { HostToWebview, ModelOption, SessionInfo } from '../../webview/protocol';
import type { ChatHost } from './chatHost';
import { debugConfigText } from './debugConfig';
import { existingAgentsFile, INIT_PROMPT } from './initPrompt';
import { currentPermissionMode, permissionModeFrom, permissionPickItems, PERMISSION_MODES } from './permissionModes';
import { showSkillsList } from './skillsView';
import type { PickerValues } from './threadSettings';
import { Transcript } from './transcript';
import { describeMcpServers } from '../mcp/mcpText';
import { SIGN_OUT_COMMAND } from '../welcome/setupCommands';

/** What the slash commands use of the chat (the controller gives them this view of itself). */
export interface SlashCommandContext {
  readonly client: Pick<CodexClient, 'request' | 'lastExit'>;
  readonly host: Pick<ChatHost, 'executeCommand' | 'pickModel' | 'pickThread' | 'pickOne' | 'pickFile' | 'writeClipboard' | 'settings'>;
  readonly transcript: Transcript;
  threadId(): string | undefined;
  models(): ModelOption[];
  model(): string;
  setModel(model: string): void;
  tokenUsage(): ThreadTokenUsage | undefined;
  ideContextProvider(): (() => Promise<PromptAttachment>) | undefined;
  /** The thread settings sent with thread/start, resume and fork (the pickers' values). */
  threadSettings(): object;
  sessionInfo(): SessionInfo;
  newThread(): Promise<void>;
  openThread(threadId: string): Promise<void>;
  ensureThread(): Promise<string>;
  sendPrompt(text: string, attachments: PromptAttachment[]): Promise<void>;
  applyThreadResponse(response: ThreadSessionResponse): void;
  sendSnapshot(): void;
  postSession(): void;
  /** The composer's picker values; setPicker changes one (it applies from the next turn). */
  pickers(): PickerValues;
  setPicker(picker: keyof PickerValues, value: string): void;
  postToView(message: HostToWebview): void;
  /** Older pages of the thread are no longer offered (after /clear). */
  forgetOlderHistory(): void;
}

export async function runSlashCommand(chat: SlashCommandContext, command: string, args: string): Promise<void> {
  switch (command) {
    case 'new':
      await chat.newThread();
      return;
    case 'resume':
      await resumeCommand(chat, args.trim());
      return;
    case 'fork': {
      const threadId = chat.threadId();
      if (!threadId) throw new Error('There is no thread to fork yet.');
      const response = await chat.client.request('thread/fork', { threadId, ...chat.threadSettings() });
      chat.transcript.reset(Transcript.entriesFromTurns(response.thread.turns ?? []));
      chat.applyThreadResponse(response);
      chat.transcript.notice('info', `Forked into a new thread (${response.thread.id}).`);
      chat.sendSnapshot();
      return;
    }
    case 'ide': {
      const provider = chat.ideContextProvider();
      if (!provider) throw new Error('IDE context is not available (the /ide feature is not loaded).');
      const attachment = await provider();
      await chat.sendPrompt(args.trim() || 'Help me with the code I am looking at.', [attachment]);
      return;
    }
    case 'diff':
      await chat.host.executeCommand('codex.openTurnDiff');
      return;
    case 'model': {
      const chosen = args.trim() || (await chat.host.pickModel(chat.models(), chat.model()));
      if (chosen) {
        chat.setModel(chosen);
        chat.transcript.notice('info', `Model set to ${chosen}.`);
        chat.postSession();
      }
      return;
    }
    case 'compact': {
      const threadId = chat.threadId();
      if (!threadId) throw new Error('There is no thread to compact yet.');
      await chat.client.request('thread/compact/start', { threadId });
      chat.transcript.notice('info', 'Compacting the conversation…');
      return;
    }
    case 'goal': {
      const objective = args.trim();
      if (!objective) throw new Error('Usage: /goal <objective>');
      const threadId = await chat.ensureThread();
      await chat.client.request('thread/goal/set', { threadId, objective, status: 'active' });
      chat.transcript.notice('info', `Goal set: ${objective}`);
      return;
    }
    case 'hooks':
      await chat.host.executeCommand('codex.hooks.focus');
      return;
    case 'mcp': {
      // The open thread's own connections when the server has it loaded; otherwise the configured servers.
      const threadId = chat.threadId();
      const listed = await (threadId ? chat.client.request('mcpServerStatus/list', { threadId }) : Promise.reject(new Error('no thread'))).catch(() =>
        chat.client.request('mcpServerStatus/list', {}),
      );
      chat.transcript.notice('info', describeMcpServers(listed.data ?? []));
      return;
    }
    case 'status':
      chat.transcript.notice('info', statusText(chat));
      return;
    case 'review':
      // The review feature (extension/review) offers the targets; an argument picks one directly.
      await chat.host.executeCommand('codex.review', args.trim());
      return;
    case 'logout':
      await chat.host.executeCommand(SIGN_OUT_COMMAND);
      return;
    case 'clear':
      chat.transcript.reset();
      // Cleared means cleared: scrolling up does not bring older pages back.
      chat.forgetOlderHistory();
      chat.sendSnapshot();
      chat.postSession();
      return;
    case 'skills':
      await showSkillsList(chat.client, chat.transcript, chat.host.settings().cwd);
      return;
    case 'init': {
      const existing = existingAgentsFile(chat.host.settings().cwd);
      if (existing) {
        chat.transcript.notice('info', `${existing} already exists; /init leaves it as it is. Delete it first to write a new one.`);
        return;
      }
      await chat.sendPrompt(INIT_PROMPT, []);
      return;
    }
    case 'mention': {
      const file = await chat.host.pickFile('Attach a file to the next prompt', args.trim());
      if (file) chat.postToView({ type: 'addMention', file });
      return;
    }
    case 'permissions':
      await permissionsCommand(chat, args.trim());
      return;
    case 'copy': {
      const last = [...chat.transcript.all].reverse().find((entry) => entry.kind === 'agent' && entry.text.trim());
      if (!last || last.kind !== 'agent') throw new Error('There is no answer to copy yet.');
      await chat.host.writeClipboard(last.text);
      chat.transcript.notice('info', 'Copied the last answer to the clipboard.');
      return;
    }
    case 'debug-config': {
      const cwd = chat.host.settings().cwd;
      const [read, requirements] = await Promise.all([
        chat.client.request('config/read', { includeLayers: true, ...(cwd ? { cwd } : {}) }),
        chat.client.request('configRequirements/read', undefined).catch(() => null),
      ]);
      chat.transcript.notice('info', debugConfigText(read, requirements));
      return;
    }
    default:
      throw new Error(`Unknown command /${command}. Type / to see the commands.`);
  }
}

async function permissionsCommand(chat: SlashCommandContext, args: string): Promise<void> {
  const { approvalPolicy, sandboxMode } = chat.pickers();
  let mode = args ? permissionModeFrom(args) : undefined;
  if (args && !mode) throw new Error(`Unknown permission mode "${args}". Use one of: ${PERMISSION_MODES.map((m) => m.id).join(', ')}.`);
  if (!mode) {
    const chosen = await chat.host.pickOne(permissionPickItems(currentPermissionMode(approvalPolicy, sandboxMode)), 'Permissions for the next turns');
    mode = PERMISSION_MODES.find((m) => m.id === chosen);
    if (!mode) return;
  }
  chat.setPicker('approvalPolicy', mode.approvalPolicy);
  chat.setPicker('sandboxMode', mode.sandboxMode);
  chat.transcript.notice('info', `Permissions: ${mode.label} (sandbox ${mode.sandboxMode}, approvals ${mode.approvalPolicy}). ${mode.description}.`);
}

async function resumeCommand(chat: SlashCommandContext, threadId: string): Promise<void> {
  if (!threadId) {
    const page = await chat.client.request('thread/list', { limit: 50 });
    const picked = await chat.host.pickThread(
      page.data.map((thread) => ({
        id: thread.id,
        label: thread.name || thread.preview || thread.id,
        description: thread.updatedAt ? new Date(thread.updatedAt * 1000).toLocaleString() : undefined,
      })),
    );
    if (!picked) return;
    threadId = picked;
  }
  await chat.openThread(threadId);
}

function statusText(chat: SlashCommandContext): string {
  const info = chat.sessionInfo();
  return [
    `Server: ${info.connection}${chat.client.lastExit && info.connection !== 'connected' ? ` (${chat.client.lastExit})` : ''}`,
    `Thread: ${info.threadId ?? 'none yet'}${info.threadTitle ? ` — ${info.threadTitle}` : ''}`,
    `Model: ${info.model || 'default from config.toml'}`,
    `Approval policy: ${info.approvalPolicy || 'default from config.toml'}`,
    `Sandbox: ${info.sandboxMode || 'default from config.toml'}`,
    `Turn running: ${info.turnRunning ? 'yes' : 'no'}`,
    `Tokens used: ${tokenUsageText(chat)}`,
  ].join('\n');
}

function tokenUsageText(chat: SlashCommandContext): string {
  const total = chat.tokenUsage()?.total;
  if (!total?.totalTokens) return 'none yet';
  const window = chat.tokenUsage()?.modelContextWindow;
  const detail = `${total.inputTokens ?? 0} in, ${total.outputTokens ?? 0} out`;
  return `${total.totalTokens} (${detail})${window ? ` of a ${window}-token context window` : ''}`;
}
