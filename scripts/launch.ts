/**
 * Second half of `npm start` (scripts/start.sh builds the .vsix first): installs the .vsix
 * into code-server with a throwaway profile, launches it on 127.0.0.1 without auth and prints
 * the URL. Ctrl+C stops code-server and deletes the throwaway profile.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { VSIX_PATH, createProfile, ensureCodeServer, freePort, installExtension, startCodeServer } from './codeServer';

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  const folder = path.resolve(process.argv[2] ?? process.env.INIT_CWD ?? process.cwd());
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new Error(`not a folder: ${folder}`);
  if (!fs.existsSync(VSIX_PATH)) throw new Error(`${VSIX_PATH} is missing: run npm run package`);

  const requestedPort = Number(process.env.PORT ?? 8080);
  const port = (await portIsFree(requestedPort)) ? requestedPort : await freePort();

  const codeServerEntry = await ensureCodeServer();
  const profile = createProfile();
  await installExtension(codeServerEntry, profile, VSIX_PATH);
  const server = await startCodeServer(codeServerEntry, { profile, workspace: folder, port });

  const cleanUp = async () => {
    await server.stop();
    fs.rmSync(profile.root, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanUp().then(() => process.exit(0)));
  }
  server.process.once('exit', (code) => {
    console.error(`[start] code-server exited (code ${code})\n${server.output().slice(-4000)}`);
    fs.rmSync(profile.root, { recursive: true, force: true });
    process.exit(code ?? 1);
  });

  console.log('');
  console.log(`Codex extension is running in code-server (VS Code 1.100) for ${folder}`);
  console.log(`Open: ${server.url}`);
  console.log(`Throwaway profile: ${profile.root} (deleted on Ctrl+C)`);
  const codexHome = process.env.CODEX_HOME ?? path.join(os.homedir(), '.codex');
  if (!process.env.OPENAI_API_KEY && !fs.existsSync(path.join(codexHome, 'config.toml'))) {
    console.log(`No model provider yet: export OPENAI_API_KEY, or write ${path.join(codexHome, 'config.toml')} (README: "Configure a model provider").`);
  }
  console.log('Press Ctrl+C to stop.');
}

main().catch((error) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
