/** Params of the standalone `command/exec*` methods (shapes follow the reference schema). */
import { z } from 'zod';

const processId = z.string().min(1, 'processId must not be empty');
const size = z.object({ rows: z.number().int().min(1).max(1000), cols: z.number().int().min(1).max(1000) });

export const CommandExecParams = z
  .object({
    command: z.array(z.string()).min(1, 'command must not be empty'),
    processId: processId.nullish(),
    tty: z.boolean().optional(),
    streamStdin: z.boolean().optional(),
    streamStdoutStderr: z.boolean().optional(),
    outputBytesCap: z.number().int().min(0).nullish(),
    disableOutputCap: z.boolean().optional(),
    disableTimeout: z.boolean().optional(),
    timeoutMs: z.number().int().min(0).nullish(),
    cwd: z.string().nullish(),
    env: z.record(z.string(), z.string().nullable()).nullish(),
    size: size.nullish(),
    sandboxPolicy: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough();
export type CommandExecParams = z.infer<typeof CommandExecParams>;

export const CommandExecWriteParams = z.object({
  processId,
  deltaBase64: z.string().nullish(),
  closeStdin: z.boolean().optional(),
});
export const CommandExecResizeParams = z.object({ processId, size });
export const CommandExecTerminateParams = z.object({ processId });

export interface CommandExecResponse {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `command/exec/outputDelta`: streamed output of a `command/exec` with a client-supplied processId. */
export interface CommandExecOutputDeltaNotification {
  processId: string;
  stream: 'stdout' | 'stderr';
  deltaBase64: string;
  capReached: boolean;
}

type Empty = Record<string, never>;

export interface CommandRequests {
  'command/exec': { params: typeof CommandExecParams; result: CommandExecResponse };
  'command/exec/write': { params: typeof CommandExecWriteParams; result: Empty };
  'command/exec/resize': { params: typeof CommandExecResizeParams; result: Empty };
  'command/exec/terminate': { params: typeof CommandExecTerminateParams; result: Empty };
}
