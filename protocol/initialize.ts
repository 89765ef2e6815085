import { z } from 'zod';

export const InitializeParams = z.object({
  clientInfo: z.object({
    name: z.string(),
    title: z.string().nullish(),
    version: z.string(),
  }),
  capabilities: z
    .object({
      experimentalApi: z.boolean().optional(),
      optOutNotificationMethods: z.array(z.string()).nullish(),
    })
    .passthrough()
    .nullish(),
});
export type InitializeParams = z.infer<typeof InitializeParams>;

export interface InitializeResponse {
  userAgent: string;
  codexHome: string;
  platformFamily: string;
  platformOs: string;
}

export interface InitializeRequests {
  initialize: { params: typeof InitializeParams; result: InitializeResponse };
}
