/**
 * Runs a command to completion for the scripts, test harnesses and benchmarks,
 * through execa: a failure throws one error that names the command, its exit
 * code or signal, and its stderr and stdout, so a broken step says why.
 * execa is ESM-only, so it is loaded with a dynamic import from these CommonJS modules.
 */
import type { Options } from 'execa';

/** Resolves with the command's output as text; rejects with execa's error (see above). */
export async function run(command: string, args: readonly string[], options: Options = {}): Promise<{ stdout: string; stderr: string }> {
  const { execa } = await import('execa');
  const result = await execa(command, args, options);
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}
