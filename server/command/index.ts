/**
 * Standalone commands outside any thread: `command/exec` (buffered, or
 * streamed as base64 `command/exec/outputDelta`), and `command/exec/write`,
 * `/resize`, `/terminate` for processes started with a client `processId`.
 * Processes belong to the connection that started them and die with it.
 */
import type { NamespaceModule } from '../core/appServer';
import type { ClientSession } from '../core/session';
import { ErrorCode, RpcError, invalidParams, invalidRequest } from '../rpc/errors';
import { CommandExecParams, CommandExecResizeParams, CommandExecTerminateParams, CommandExecWriteParams } from '../../protocol/command';
import { effectiveConfigFor, normalizeSandboxPolicy, resolveCwd, sandboxPolicyFor } from '../thread/settings';
import { SandboxSetupError, sandboxCommand } from '../sandbox/bubblewrap';
import { RunningProcess } from '../tools/process';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;

const invalid = (message: string) => invalidRequest(message);

interface CapturedStream {
  chunks: Buffer[];
  bytes: number;
  capReached: boolean;
}

export const commandModule: NamespaceModule = (registry, server) => {
  const processesBySession = new WeakMap<ClientSession, Map<string, RunningProcess>>();
  const processesOf = (session: ClientSession) => {
    let map = processesBySession.get(session);
    if (!map) {
      const created = new Map<string, RunningProcess>();
      map = created;
      processesBySession.set(session, created);
      session.onClose(() => {
        for (const process of created.values()) process.kill();
      });
    }
    return map;
  };
  const allProcesses = new Set<RunningProcess>();
  server.onDispose(() => {
    for (const process of allProcesses) process.kill();
  });

  registry.register('command/exec', CommandExecParams, async (params, session) => {
    const tty = params.tty === true;
    const streamStdin = tty || params.streamStdin === true;
    const streamOutput = tty || params.streamStdoutStderr === true;
    const processId = params.processId ?? null;
    if ((streamStdin || streamOutput) && !processId) throw invalid('tty, streamStdin and streamStdoutStderr need a client-supplied processId');
    if (params.outputBytesCap != null && params.disableOutputCap) throw invalid('outputBytesCap cannot be combined with disableOutputCap');
    if (params.timeoutMs != null && params.disableTimeout) throw invalid('timeoutMs cannot be combined with disableTimeout');
    if (params.size && !tty) throw invalid('size is only valid when tty is true');
    const processes = processesOf(session);
    if (processId && processes.has(processId)) throw invalid(`processId ${processId} is already in use on this connection`);

    const cwd = resolveCwd(params.cwd, process.cwd());
    const config = effectiveConfigFor(server, null, cwd);
    let policy = sandboxPolicyFor(config.sandbox_mode ?? 'read-only', config, cwd);
    if (params.sandboxPolicy) {
      const requested = normalizeSandboxPolicy(params.sandboxPolicy);
      if (!requested) throw invalidParams(`Invalid params: sandboxPolicy: unknown type ${JSON.stringify(params.sandboxPolicy.type)}`);
      policy = requested;
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(params.env ?? {})) {
      if (value === null) delete env[key];
      else env[key] = value;
    }
    // The client chose this cwd, so it is also the policy's cwd (its writable root).
    let wrapped: ReturnType<typeof sandboxCommand>;
    try {
      wrapped = sandboxCommand(policy, cwd, cwd, params.command);
    } catch (error) {
      if (error instanceof SandboxSetupError) throw invalidRequest(`cannot sandbox the command: ${error.message}`);
      throw error;
    }
    if (wrapped.warning) session.notify('warning', { threadId: null, message: wrapped.warning });

    const cap = params.disableOutputCap ? Infinity : (params.outputBytesCap ?? DEFAULT_OUTPUT_CAP_BYTES);
    const captured: Record<'stdout' | 'stderr', CapturedStream> = {
      stdout: { chunks: [], bytes: 0, capReached: false },
      stderr: { chunks: [], bytes: 0, capReached: false },
    };
    let child: RunningProcess;
    try {
      child = new RunningProcess({ argv: wrapped.argv, cwd, env, tty, cols: params.size?.cols, rows: params.size?.rows });
      void child.waitForExit().then(wrapped.release, wrapped.release);
    } catch (error) {
      wrapped.release();
      throw new RpcError(ErrorCode.InternalError, `failed to start ${params.command[0]}: ${(error as Error).message}`);
    }
    const key = processId ?? `internal-${child.pid}-${Date.now()}`;
    processes.set(key, child);
    allProcesses.add(child);

    child.onOutput((chunk, stream) => {
      const target = captured[stream];
      if (target.capReached) return;
      let bytes = Buffer.from(chunk, 'utf8');
      if (target.bytes + bytes.length > cap) {
        bytes = bytes.subarray(0, Math.max(0, cap - target.bytes));
        target.capReached = true;
      }
      target.bytes += bytes.length;
      if (streamOutput) {
        session.notify('command/exec/outputDelta', { processId: key, stream, deltaBase64: bytes.toString('base64'), capReached: target.capReached });
      } else {
        target.chunks.push(bytes);
      }
    });
    if (!streamStdin && !tty) child.closeStdin();

    const timeoutMs = params.disableTimeout ? null : (params.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let timedOut = false;
    const timer = timeoutMs === null ? null : setTimeout(() => {
      timedOut = true;
      child.kill();
    }, timeoutMs);
    const exit = await child.waitForExit();
    if (timer) clearTimeout(timer);
    processes.delete(key);
    allProcesses.delete(child);
    // Like the reference: a program that cannot be started is an error, not an exit status.
    if (child.spawnError) throw new RpcError(ErrorCode.InternalError, `failed to spawn command: ${child.spawnError.message}`);
    const text = (s: CapturedStream) => Buffer.concat(s.chunks).toString('utf8');
    return {
      exitCode: timedOut ? 124 : exit.exitCode,
      stdout: text(captured.stdout),
      stderr: timedOut ? `${text(captured.stderr)}command timed out after ${timeoutMs} ms\n` : text(captured.stderr),
    };
  });

  const find = (session: ClientSession, processId: string): RunningProcess => {
    const child = processesOf(session).get(processId);
    if (!child) throw invalid(`no running command with processId ${processId} on this connection`);
    return child;
  };

  registry.register('command/exec/write', CommandExecWriteParams, (params, session) => {
    const child = find(session, params.processId);
    if (params.deltaBase64) child.write(Buffer.from(params.deltaBase64, 'base64'));
    if (params.closeStdin) child.closeStdin();
    return {};
  });

  registry.register('command/exec/resize', CommandExecResizeParams, (params, session) => {
    const child = find(session, params.processId);
    try {
      child.resize(params.size.cols, params.size.rows);
    } catch (error) {
      throw invalid((error as Error).message);
    }
    return {};
  });

  registry.register('command/exec/terminate', CommandExecTerminateParams, (params, session) => {
    find(session, params.processId).kill();
    return {};
  });
};
