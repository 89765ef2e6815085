/**
 * The ONE shared definition of every message between the chat webview and the
 * extension host. Both sides import these types; nothing else crosses the
 * boundary. Entries are plain data (no HTML): the webview renders and sanitizes.
 */
import type { AskForApproval, SandboxMode } from '../protocol';

export type ConnectionState = 'starting' | 'connected' | 'disconnected' | 'stopped';

export type ApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

export interface FileChangeSummary {
  path: string;
  kind: 'add' | 'delete' | 'update';
  /** New path when the file was moved. */
  movePath?: string;
  added: number;
  removed: number;
}

export interface PlanStep {
  step: string;
  status: 'pending' | 'inProgress' | 'completed';
}

export interface AttachmentChip {
  label: string;
  details?: string;
  /** A skill used in the turn (shown with the skill icon). */
  skill?: boolean;
  /** A thumbnail (data URL) for an image attachment. */
  image?: string;
}

/** A skill as the composer's `$` popup and the /skills list show it (from `skills/list`). */
export interface SkillCandidate {
  name: string;
  description: string;
  /** Absolute path of the SKILL.md, sent with the `skill` input item. */
  path: string;
  scope: 'user' | 'repo' | 'system' | 'admin';
  enabled: boolean;
}

/** An image attached in the composer (pasted, dropped or picked), already scaled to fit IMAGE_MAX_SIDE. */
export interface ComposerImage {
  name: string;
  dataUrl: string;
  width: number;
  height: number;
}

/** Images bigger than this (bytes, as read) are refused by the composer. */
export const IMAGE_MAX_BYTES = 20 * 1024 * 1024;
/** Images larger than this on either side are scaled down to fit (the model's limit, as the reference applies it). */
export const IMAGE_MAX_SIDE = 2048;

/** One row of the transcript. */
export type ChatEntry =
  | { kind: 'user'; id: string; text: string; attachments?: AttachmentChip[] }
  | { kind: 'agent'; id: string; text: string; streaming: boolean }
  | { kind: 'reasoning'; id: string; summary: string[]; streaming: boolean }
  | {
      kind: 'command';
      id: string;
      command: string;
      cwd: string;
      output: string;
      exitCode: number | null;
      status: 'inProgress' | 'completed' | 'failed' | 'declined';
      durationMs: number | null;
      /** An approval card waits for the user before this command may run. */
      awaitingApproval?: boolean;
    }
  | {
      kind: 'fileChange';
      id: string;
      files: FileChangeSummary[];
      status: 'inProgress' | 'completed' | 'failed' | 'declined';
      /** An approval card waits for the user before these changes may be applied. */
      awaitingApproval?: boolean;
    }
  | { kind: 'plan'; id: string; explanation: string | null; steps: PlanStep[] }
  | { kind: 'tool'; id: string; title: string; status: string; detail?: string }
  | {
      kind: 'mcpTool';
      id: string;
      server: string;
      tool: string;
      status: 'inProgress' | 'completed' | 'failed';
      /** Pretty-printed JSON. */
      arguments: string;
      /** The tool's text content (and structured content as JSON), when it answered. */
      result?: string;
      error?: string;
      durationMs: number | null;
    }
  | {
      kind: 'elicitation';
      id: string;
      serverName: string;
      message: string;
      /** A tool-call approval (no fields) rather than a server's question. */
      approval: boolean;
      fields: ElicitationField[];
      resolution?: ElicitationAction | 'resolved';
    }
  | { kind: 'notice'; id: string; level: 'error' | 'warning' | 'info'; text: string }
  /** The /skills list: every skill with an enable/disable switch, and files that are not valid skills. */
  | { kind: 'skills'; id: string; skills: SkillCandidate[]; errors: { path: string; message: string }[] }
  /** A quiet one-line marker in the flow of the conversation ("Context compacted"); `pending` while it is happening. */
  | { kind: 'marker'; id: string; text: string; pending?: boolean }
  /** A finished code review: its findings (none when the reviewer's answer was not in the findings layout: `explanation` is then the text as is). */
  | { kind: 'review'; id: string; explanation: string; findings: ReviewFindingView[] }
  | {
      kind: 'approval';
      id: string;
      approvalKind: 'command' | 'fileChange';
      title: string;
      /** The command, or the files to change. */
      detail: string;
      reason?: string;
      /** Exactly the decisions the server accepts for this request. */
      decisions: ApprovalDecision[];
      /** Set once answered (by the user, or by the server resolving it). */
      resolution?: ApprovalDecision | 'resolved';
    };

export type ElicitationAction = 'accept' | 'decline' | 'cancel';

/** One input of an elicitation form (MCP's flat primitive schema). */
export interface ElicitationField {
  name: string;
  title: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'enum';
  required: boolean;
  description?: string;
  options?: string[];
}

/** One review finding as the chat and the editor show it. */
export interface ReviewFindingView {
  /** 0 (must fix) to 3 (minor); null when the title carries no [P0]-[P3] tag. */
  priority: number | null;
  title: string;
  /** Absolute path. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  body: string;
}

export interface ModelOption {
  id: string;
  label: string;
  description?: string;
  /** Reasoning efforts the model supports (`low`, `medium`, `high`…), and its default. */
  efforts?: string[];
  defaultEffort?: string;
  /** The model config.toml selects (used when the picker says "default"). */
  isDefault?: boolean;
}

/** The first-run choices: the welcome card's buttons, also shown next to a credentials error. */
export type SetupAction = 'apiKey' | 'localModel' | 'openConfig' | 'officialServer';

export const SETUP_ACTIONS: { action: SetupAction; label: string; description: string }[] = [
  { action: 'apiKey', label: 'Use an OpenAI API key', description: 'Saved in auth.json in your Codex home (never in settings.json).' },
  { action: 'localModel', label: 'Use a local model', description: 'Finds Ollama or LM Studio running on this machine.' },
  { action: 'openConfig', label: 'Open config.toml', description: 'Choose a provider and model yourself.' },
  { action: 'officialServer', label: 'Use the official Codex server', description: 'Sign in with ChatGPT through the codex binary.' },
];

/** What the chat knows about sign-in and the provider in use. */
export interface AccountInfo {
  /** No usable provider or credentials: the welcome card replaces the empty transcript. */
  needsSetup: boolean;
  /** "OpenAI API key", "Local server · qwen2.5-coder"… */
  label?: string;
}

/** How much of the model's context window the open thread uses (from `thread/tokenUsage/updated`). */
export interface ContextUsage {
  /** Tokens of the last request (its input and output): what the next request starts from. */
  usedTokens: number;
  /** The model's usable window; null when the server did not say. */
  windowTokens: number | null;
  /** What the thread has spent so far. */
  totalTokens: number;
  inputTokens: number;
  outputTokens: number;
}

/** Everything the header, pickers and composer show besides the transcript. */
export interface SessionInfo {
  connection: ConnectionState;
  /** Plain-language status ("The Codex server exited with code 1; restarting in 2 s"). */
  connectionMessage?: string;
  threadId?: string;
  threadTitle?: string;
  turnRunning: boolean;
  model: string;
  /** Reasoning effort for the next turns; '' or absent = the model's default. */
  effort?: string;
  approvalPolicy: string;
  sandboxMode: string;
  models: ModelOption[];
  /** Approvals waiting for an answer. */
  pendingApprovals: number;
  /** A remote server (`codex.remoteUrl`): the banner offers to reconnect rather than restart. */
  remoteServer?: boolean;
  /** The context meter under the composer; absent until the server reports usage. */
  context?: ContextUsage;
  /** Older items of the open thread not loaded yet (`loading` while a page is on its way). */
  olderHistory?: 'available' | 'loading';
  /** Workspace folders: changed files are shown by name with the folder relative to these. */
  workspaceRoots?: string[];
  account?: AccountInfo;
}

export interface MentionCandidate {
  name: string;
  /** Absolute path sent to the server. */
  path: string;
  /** Workspace-relative path shown in the popup. */
  relativePath: string;
}

/** Host → webview. */
export type HostToWebview =
  | { type: 'snapshot'; entries: ChatEntry[]; session: SessionInfo }
  | { type: 'upsert'; entry: ChatEntry }
  | { type: 'remove'; id: string }
  /** Older entries of a long thread, loaded on scroll-up: they go above the others, the view keeps its place. */
  | { type: 'prepend'; entries: ChatEntry[] }
  /** Streams text into an entry: agent `text`, command `output`, or reasoning `summary[index]`. */
  | { type: 'append'; id: string; field: 'text' | 'output' | 'summary'; delta: string; index?: number }
  | { type: 'session'; session: SessionInfo }
  | { type: 'insertText'; text: string }
  | { type: 'mentionResults'; query: string; files: MentionCandidate[] }
  /** /mention chose a file: the composer adds it as an `@` mention. */
  | { type: 'addMention'; file: MentionCandidate }
  /** Answer to `skillQuery`: the enabled skills for the `$` popup. */
  | { type: 'skillResults'; skills: SkillCandidate[] }
  | { type: 'focusComposer' }
  /** The composer text after a failed send, so nothing typed is lost. */
  | { type: 'restoreDraft'; text: string };

export interface SlashCommandInfo {
  name: string;
  description: string;
  /** Hint shown after the name, e.g. "<objective>". */
  args?: string;
}

/** The slash commands the composer offers, handled by the host. */
export const SLASH_COMMANDS: SlashCommandInfo[] = [
  { name: 'new', description: 'Start a new thread' },
  { name: 'resume', description: 'Resume a stored thread', args: '[thread id]' },
  { name: 'fork', description: 'Fork the current thread into a new one' },
  { name: 'ide', description: 'Ask with IDE context (active file, selection, diagnostics)', args: '[prompt]' },
  { name: 'diff', description: 'Open the diff of the current turn' },
  { name: 'model', description: 'Choose the model', args: '[model]' },
  { name: 'compact', description: 'Summarize the conversation to free context' },
  { name: 'goal', description: 'Set the thread goal', args: '<objective>' },
  { name: 'hooks', description: 'Show the configured hooks' },
  { name: 'mcp', description: 'List MCP servers and their tools' },
  { name: 'status', description: 'Show connection, thread and settings' },
  { name: 'skills', description: 'List skills; enable or disable them' },
  { name: 'init', description: 'Ask Codex to write an AGENTS.md for this repository' },
  { name: 'mention', description: 'Attach a file to the next prompt', args: '[file]' },
  { name: 'permissions', description: 'Read only, workspace with approvals, or full access', args: '[mode]' },
  { name: 'copy', description: 'Copy the last answer to the clipboard' },
  { name: 'debug-config', description: 'Show the config layers and requirements' },
  { name: 'logout', description: 'Sign out (removes the saved API key)' },
  { name: 'clear', description: 'Clear the chat view (the thread is kept)' },
  { name: 'review', description: 'Review code: uncommitted changes, against a branch, a commit, or custom instructions' },
];

/** Webview → host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'send'; text: string; mentions: { name: string; path: string }[]; skills?: { name: string; path: string }[]; images?: ComposerImage[] }
  /** A prompt starting with `!`: runs the rest as a shell command in the thread (thread/shellCommand). */
  | { type: 'shell'; command: string }
  /** "Undo to here" on a user message: revert the thread to before that message's turn. */
  | { type: 'undoTo'; id: string }
  | { type: 'slash'; command: string; args: string }
  | { type: 'interrupt' }
  | { type: 'approve'; id: string; decision: ApprovalDecision }
  /** `content` holds the form's values by field name (accept only). */
  | { type: 'elicitationAnswer'; id: string; action: ElicitationAction; content?: Record<string, string | boolean> }
  | { type: 'openDiff'; path: string }
  | { type: 'openFile'; path: string }
  /** Opens a file at a line range (a review finding's location). */
  | { type: 'openLocation'; path: string; startLine: number; endLine: number }
  | { type: 'copy'; text: string }
  | { type: 'mentionQuery'; query: string }
  | { type: 'skillQuery' }
  | { type: 'setSkillEnabled'; path: string; enabled: boolean }
  | { type: 'setModel'; model: string }
  | { type: 'setEffort'; effort: string }
  | { type: 'setup'; action: SetupAction }
  | { type: 'setApprovalPolicy'; value: string }
  | { type: 'setSandboxMode'; value: string }
  | { type: 'restartServer' }
  /** The user scrolled near the top of a thread with older history. */
  | { type: 'loadOlder' };

export const APPROVAL_POLICIES = ['untrusted', 'on-request', 'never'] as const satisfies readonly AskForApproval[];
export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const satisfies readonly SandboxMode[];
