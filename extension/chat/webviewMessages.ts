/** What the chat does with each message its webview sends (the typed messages are in webview/protocol.ts). */
import type { CodexClient } from '../client/codexClient';
import type { PromptAttachment } from '../services';
import type { ApprovalDecision, ComposerImage, ElicitationAction, HostToWebview, MentionCandidate, SkillCandidate, WebviewToHost } from '../../webview/protocol';
import type { ChatHost } from './chatHost';
import type { PickerValues } from './threadSettings';
import { SETUP_COMMANDS } from '../welcome/setupCommands';

/** What the messages reach in the chat (the controller gives them this view of itself). */
export interface WebviewMessageTarget {
  readonly client: Pick<CodexClient, 'restart'>;
  readonly host: Pick<ChatHost, 'executeCommand' | 'openFile' | 'writeClipboard' | 'findFiles'>;
  onViewReady(): Promise<void>;
  sendPrompt(text: string, attachments: PromptAttachment[], mentions: { name: string; path: string }[], skills?: { name: string; path: string }[], images?: ComposerImage[]): Promise<void>;
  /** The enabled skills for the composer's `$` popup. */
  listSkills(): Promise<SkillCandidate[]>;
  setSkillEnabled(path: string, enabled: boolean): Promise<void>;
  /** `!command` from the composer (thread/shellCommand). */
  runShellCommand(command: string): Promise<void>;
  /** "Undo to here" on a user message. */
  undoTo(entryId: string): Promise<void>;
  /** Files for the `@` list. */
  findMentions(query: string): Promise<MentionCandidate[]>;
  runSlashCommand(command: string, args: string): Promise<void>;
  interrupt(): Promise<void>;
  answerApproval(id: string, decision: ApprovalDecision): void;
  answerElicitation(id: string, action: ElicitationAction, content?: Record<string, string | boolean>): void;
  postToView(message: HostToWebview): void;
  /** A picker changed in the composer: it applies to the next prompt. */
  setPicker(picker: keyof PickerValues, value: string): void;
  /** The user scrolled up to the oldest loaded item of a long thread. */
  loadOlder(): Promise<void>;
}

export async function dispatchWebviewMessage(chat: WebviewMessageTarget, message: WebviewToHost): Promise<void> {
  switch (message.type) {
    case 'ready':
      await chat.onViewReady();
      return;
    case 'send':
      await chat.sendPrompt(message.text, [], message.mentions, message.skills ?? [], message.images);
      return;
    case 'shell':
      await chat.runShellCommand(message.command);
      return;
    case 'undoTo':
      await chat.undoTo(message.id);
      return;
    case 'slash':
      await chat.runSlashCommand(message.command, message.args);
      return;
    case 'interrupt':
      await chat.interrupt();
      return;
    case 'approve':
      chat.answerApproval(message.id, message.decision);
      return;
    case 'elicitationAnswer':
      chat.answerElicitation(message.id, message.action, message.content);
      return;
    case 'openDiff':
      await chat.host.executeCommand('codex.diff.openFileDiff', message.path);
      return;
    case 'openFile':
      await chat.host.openFile(message.path);
      return;
    case 'openLocation':
      await chat.host.executeCommand('codex.review.openLocation', message.path, message.startLine, message.endLine);
      return;
    case 'copy':
      await chat.host.writeClipboard(message.text);
      return;
    case 'mentionQuery': {
      const files = await chat.findMentions(message.query);
      chat.postToView({ type: 'mentionResults', query: message.query, files });
      return;
    }
    case 'skillQuery':
      chat.postToView({ type: 'skillResults', skills: await chat.listSkills() });
      return;
    case 'setSkillEnabled':
      await chat.setSkillEnabled(message.path, message.enabled);
      return;
    case 'setModel':
      chat.setPicker('model', message.model);
      return;
    case 'setEffort':
      chat.setPicker('effort', message.effort);
      return;
    case 'setup':
      await chat.host.executeCommand(SETUP_COMMANDS[message.action]);
      return;
    case 'setApprovalPolicy':
      chat.setPicker('approvalPolicy', message.value);
      return;
    case 'setSandboxMode':
      chat.setPicker('sandboxMode', message.value);
      return;
    case 'restartServer':
      await chat.client.restart();
      return;
    case 'loadOlder':
      await chat.loadOlder();
      return;
  }
}
