/**
 * `process/*` (experimental): standalone processes on the server's host, outside any sandbox,
 * addressed by a client-chosen, connection-scoped `processHandle`. Shapes follow the reference's
 * `generate-json-schema --experimental`.
 */
import { z } from 'zod';

const processHandle = z.string().min(1, 'processHandle must not be empty');
const size = z.object({ rows: z.number().int().min(1).max(65535), cols: z.number().int().min(1).max(65535) });

export const ProcessSpawnParams = z.object({
  // Emptiness is checked by the handler: the reference answers -32600, not -32602.
  command: z.array(z.string()),
  processHandle,
  cwd: z.string(),
  env: z.record(z.string(), z.string().nullable()).nullish(),
  tty: z.boolean().optional(),
  streamStdin: z.boolean().optional(),
  streamStdoutStderr: z.boolean().optional(),
  /** Left out: the server default; `null`: no cap. */
  outputBytesCap: z.number().int().min(0).nullish(),
  /** Left out: the server default; `null`: no timeout. */
  timeoutMs: z.number().int().min(0).nullish(),
  size: size.nullish(),
});

export const ProcessWriteStdinParams = z.object({
  processHandle,
  deltaBase64: z.string().nullish(),
  closeStdin: z.boolean().optional(),
});
export const ProcessResizePtyParams = z.object({ processHandle, size });
export const ProcessKillParams = z.object({ processHandle });

export interface ProcessOutputDeltaNotification {
  processHandle: string;
  stream: 'stdout' | 'stderr';
  deltaBase64: string;
  capReached: boolean;
}

export interface ProcessExitedNotification {
  processHandle: string;
  exitCode: number;
  /** Buffered output; empty for a stream that was sent as `process/outputDelta`. */
  stdout: string;
  stderr: string;
  stdoutCapReached: boolean;
  stderrCapReached: boolean;
  outputDrainTimedOut?: boolean | null;
}

type Empty = Record<string, never>;

export interface ProcessRequests {
  'process/spawn': { params: typeof ProcessSpawnParams; result: Empty; experimental: true };
  'process/writeStdin': { params: typeof ProcessWriteStdinParams; result: Empty; experimental: true };
  'process/resizePty': { params: typeof ProcessResizePtyParams; result: Empty; experimental: true };
  'process/kill': { params: typeof ProcessKillParams; result: Empty; experimental: true };
}
