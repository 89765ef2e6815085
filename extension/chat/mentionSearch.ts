/**
 * The `@` list's files from the server's `fuzzyFileSearch`, for a remote
 * server: its workspace is on the other machine, where VS Code's own file
 * search cannot look.
 */
import path from 'node:path';
import type { MentionCandidate } from '../../webview/protocol';

async function serverMentionCandidates(request: (method: string, params: unknown) => Promise<any>, query: string, root: string, limit: number): Promise<MentionCandidate[]> {
  if (!query) return [];
  const { files } = await request('fuzzyFileSearch', { query, roots: [root] });
  return (files as { path: string; file_name: string; match_type?: string }[])
    .filter((file) => file.match_type !== 'directory')
    .slice(0, limit)
    .map((file) => ({ name: file.file_name, path: path.posix.join(root.split(path.sep).join('/'), file.path), relativePath: file.path }));
}

/** The `@` list's search: the server's with a remote server, VS Code's otherwise. */
export function mentionFinder(
  request: (method: string, params: unknown) => Promise<any>,
  host: { settings(): { remoteServer?: boolean; cwd: string | undefined }; findFiles(query: string, limit: number): Promise<MentionCandidate[]> },
): (query: string) => Promise<MentionCandidate[]> {
  return (query) => {
    const { remoteServer, cwd } = host.settings();
    return remoteServer && cwd ? serverMentionCandidates(request, query, cwd, 20) : host.findFiles(query, 20);
  };
}
