/** Finds `codex` binaries on PATH (the official Codex CLI, whose `app-server` this extension can run instead of its own). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export async function findCodexBinaries(pathVariable: string): Promise<string[]> {
  const names = process.platform === 'win32' ? ['codex.exe', 'codex.cmd'] : ['codex'];
  const found: string[] = [];
  for (const dir of pathVariable.split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        await fs.promises.access(candidate, fs.constants.X_OK);
        const real = await fs.promises.realpath(candidate);
        if (!found.includes(candidate) && (await fs.promises.stat(real)).isFile()) found.push(candidate);
      } catch {
        /* not there */
      }
    }
  }
  return found;
}
