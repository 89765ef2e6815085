/**
 * The chat webview's HTML: one nonce'd script and one stylesheet, both from
 * `dist/`, under a strict Content-Security-Policy (no inline script or style,
 * nothing from the network).
 */
import { randomBytes } from 'node:crypto';

interface WebviewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function chatHtml(options: WebviewHtmlOptions): string {
  const nonce = options.nonce ?? createNonce();
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(options.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(options.styleUri)}">
<title>Codex</title>
</head>
<body>
<div id="app" data-codex-chat></div>
<script nonce="${nonce}" src="${attr(options.scriptUri)}"></script>
</body>
</html>`;
}
