/** /init: our prompt asking the agent to write an AGENTS.md scaffold for the repository. */
import fs from 'node:fs';
import path from 'node:path';

export const INIT_PROMPT = `Write an AGENTS.md file at the root of this repository for coding agents that work here later.

First look around: the README, the package or build manifests, the folder layout, the test setup and any contributor notes. Then write a short, factual AGENTS.md with these sections, leaving out any you find nothing for:
- Project overview: what the code does and how it is organized (main folders and what lives in them).
- Build and run: the exact commands to install dependencies, build and start it.
- Tests: how to run all tests and a single test, and where tests go.
- Code style: conventions you can see in the code (formatting, naming, imports, error handling).
- Working agreements: anything a change must respect (generated files, secrets, commit or PR habits).

Only state what you found in the repository; do not invent commands. Keep it under about 60 lines. Create only AGENTS.md and change nothing else.`;

/** The AGENTS.md /init would write, when the folder has one already. */
export function existingAgentsFile(cwd: string | undefined): string | undefined {
  if (!cwd) return undefined;
  const file = path.join(cwd, 'AGENTS.md');
  return fs.existsSync(file) ? file : undefined;
}
