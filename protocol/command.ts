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
