/**
 * Which feature registers which command declared in package.json, so a test
 * can prove every declared command has exactly one owner.
 */
export const PALETTE_COMMANDS = [
  'codex.sendSelection',
  'codex.explainSelection',
  'codex.fixSelection',
  'codex.addFileToChat',
  'codex.askWithIdeContext',
  'codex.switchModel',
  'codex.toggleAutoContext',
] as const;

export const THREADS_VIEW_COMMANDS = [
  'codex.threads.refresh',
  'codex.threads.search',
  'codex.threads.clearSearch',
  'codex.threads.loadMore',
  'codex.threads.open',
  'codex.threads.rename',
  'codex.threads.fork',
  'codex.threads.archive',
  'codex.threads.unarchive',
  'codex.threads.copyId',
  'codex.threads.revealRollout',
  'codex.threads.delete',
  'codex.threads.openInNewTab',
] as const;

export const HOOKS_VIEW_COMMANDS = ['codex.hooks.refresh', 'codex.hooks.trust', 'codex.hooks.disable', 'codex.hooks.enable', 'codex.hooks.openDefinition'] as const;

export const MCP_VIEW_COMMANDS = ['codex.mcp.reload', 'codex.mcp.openConfig', 'codex.mcp.copyError'] as const;

/** Registered elsewhere: the chat (`extension/chat`), activation, diff review (`extension/diff`), remote connection. */
export const OTHER_OWNERS: Record<string, string> = {
  'codex.focusChat': 'chat',
  'codex.newThread': 'chat',
  'codex.interruptTurn': 'chat',
  'codex.openChatInEditor': 'chat',
  'codex.restartServer': 'activation',
  'codex.showServerLog': 'activation',
  'codex.setRemoteToken': 'client',
  'codex.openTurnDiff': 'diff',
  'codex.acceptAllChanges': 'diff',
  'codex.rejectAllChanges': 'diff',
  'codex.diff.acceptHunk': 'diff',
  'codex.diff.rejectHunk': 'diff',
  'codex.diff.acceptFile': 'diff',
  'codex.diff.rejectFile': 'diff',
  'codex.diff.openFileDiff': 'diff',
  'codex.review.start': 'diff',
  'codex.review.nextHunk': 'diff',
  'codex.review.previousHunk': 'diff',
  'codex.review': 'review',
  'codex.reviewUncommitted': 'review',
  'codex.reviewAgainstBranch': 'review',
  'codex.reviewCommit': 'review',
  'codex.reviewWithInstructions': 'review',
  'codex.review.openLocation': 'review',
  'codex.review.fix': 'review',
  'codex.review.dismiss': 'review',
  'codex.signInWithApiKey': 'welcome',
  'codex.useLocalModel': 'welcome',
  'codex.openConfigToml': 'welcome',
  'codex.useOfficialServer': 'welcome',
  'codex.signOut': 'welcome',
};
