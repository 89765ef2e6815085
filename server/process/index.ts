/**
 * `process/spawn`, `process/writeStdin`, `process/resizePty`, `process/kill` (experimental):
 * processes on the server's host, deliberately OUTSIDE the sandbox (the client asked for a
 * process of its own, e.g. a terminal), keyed by a client-chosen handle per connection.
 * Output arrives as `process/outputDelta`, the end as `process/exited`. Every process dies
 * with the connection that started it, and with the server.
 */
import path from 'node:path';
import type { NamespaceModule } from '../core/appServer';
import type { ClientSession } from '../core/session';
import { ErrorCode, RpcError, invalidRequest } from '../rpc/errors';
import { ProcessKillParams, ProcessResizePtyParams, ProcessSpawnParams, ProcessWriteStdinParams } from '../../protocol/process';
import { SpawnedProcess } from './spawnedProcess';

/** The reference's defaults when the client leaves `timeoutMs` / `outputBytesCap` out. */
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;

export const processModule: NamespaceModule = (registry, server) => {
  const tables = new WeakMap<ClientSession, Map<string, SpawnedProcess>>();
  const live = new Set<SpawnedProcess>();
  const tableOf = (session: ClientSession) => {
    let table = tables.get(session);
    if (!table) {
      const created = new Map<string, SpawnedProcess>();
      table = created;
      tables.set(session, created);
      session.onClose(() => {
        for (const spawned of created.values()) spawned.process.kill();
      });
    }
    return table;
  };
  server.onDispose(() => {
    for (const spawned of live) spawned.process.kill();
  });
  const find = (session: ClientSession, handle: string) => {
    const spawned = tableOf(session).get(handle);
    if (!spawned) throw invalidRequest(`no active process for process handle ${JSON.stringify(handle)}`);
    return spawned;
  };

  registry.register(
    'process/spawn',
    ProcessSpawnParams,
    (params, session) => {
      if (params.command.length === 0) throw invalidRequest('command must not be empty');
      if (!path.isAbsolute(params.cwd)) throw invalidRequest(`cwd must be an absolute path, got ${JSON.stringify(params.cwd)}`);
      const tty = params.tty === true;
      if (params.size && !tty) throw invalidRequest('size is only valid when tty is true');
      const table = tableOf(session);
      if (table.has(params.processHandle)) throw invalidRequest(`duplicate active process handle: ${JSON.stringify(params.processHandle)}`);
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const [key, value] of Object.entries(params.env ?? {})) {
        if (value === null) delete env[key];
        else env[key] = value;
      }
      let spawned: SpawnedProcess;
      try {
        spawned = new SpawnedProcess({
          handle: params.processHandle,
          argv: params.command,
          cwd: params.cwd,
          env,
          tty,
          streamStdin: tty || params.streamStdin === true,
          streamOutput: tty || params.streamStdoutStderr === true,
          cap: params.outputBytesCap === null ? Infinity : (params.outputBytesCap ?? DEFAULT_OUTPUT_CAP_BYTES),
          timeoutMs: params.timeoutMs === null ? null : (params.timeoutMs ?? DEFAULT_TIMEOUT_MS),
          size: params.size,
          onDelta: (delta) => session.notify('process/outputDelta', delta),
          onExited: (exited) => {
            // Free the handle first: a client reacting to the exit may reuse it at once.
            if (table.get(params.processHandle) === spawned) table.delete(params.processHandle);
            live.delete(spawned);
            session.notify('process/exited', exited);
          },
        });
      } catch (error) {
        throw new RpcError(ErrorCode.InternalError, `failed to spawn process: ${(error as Error).message}`);
      }
      table.set(params.processHandle, spawned);
      live.add(spawned);
      return {};
    },
    { experimental: true },
  );

  registry.register(
    'process/writeStdin',
    ProcessWriteStdinParams,
    (params, session) => {
      const spawned = find(session, params.processHandle);
      if (!spawned.acceptsStdin) throw invalidRequest(`process ${JSON.stringify(params.processHandle)} was started without streamStdin or tty`);
      try {
        if (params.deltaBase64) spawned.process.write(Buffer.from(params.deltaBase64, 'base64'));
        if (params.closeStdin) spawned.process.closeStdin();
      } catch (error) {
        throw invalidRequest((error as Error).message);
      }
      return {};
    },
    { experimental: true },
  );

  registry.register(
    'process/resizePty',
    ProcessResizePtyParams,
    (params, session) => {
      const spawned = find(session, params.processHandle);
      if (!spawned.options.tty) throw invalidRequest(`process ${JSON.stringify(params.processHandle)} has no PTY (spawn it with tty: true)`);
      spawned.process.resize(params.size.cols, params.size.rows);
      return {};
    },
    { experimental: true },
  );

  registry.register(
    'process/kill',
    ProcessKillParams,
    (params, session) => {
      find(session, params.processHandle).process.kill();
      return {};
    },
    { experimental: true },
  );
};
