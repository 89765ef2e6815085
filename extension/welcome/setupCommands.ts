/** The VS Code commands behind the first-run choices (welcome card, credentials errors, status bar). No `vscode` import: the chat controller uses it too. */
import type { SetupAction } from '../../webview/protocol';

export const SETUP_COMMANDS: Record<SetupAction, string> = {
  apiKey: 'codex.signInWithApiKey',
  localModel: 'codex.useLocalModel',
  openConfig: 'codex.openConfigToml',
  officialServer: 'codex.useOfficialServer',
};

export const SIGN_OUT_COMMAND = 'codex.signOut';
