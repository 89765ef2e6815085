/**
 * Builds codex-vscode.vsix at most once per test process, so the package test, the
 * integration harness and the end-to-end run share one `npm run package`.
 */
import { buildVsix } from '../../../scripts/codeServer';

let pending: Promise<string> | undefined;

export function sharedVsix(): Promise<string> {
  pending ??= buildVsix();
  return pending;
}
