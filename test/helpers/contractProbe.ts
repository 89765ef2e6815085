/**
 * The contract as plain types, for `contractDrift.ts` to walk with the TypeScript checker:
 * request params as a client sends them (`z.input` of the server's schema), results, server
 * notifications and server → client requests.
 */
import type { z } from 'zod';
import type { ClientRequests, ServerNotifications, ServerRequests } from '../../protocol';

export type ProbeRequests = {
  [M in keyof ClientRequests]: {
    params: z.input<ClientRequests[M]['params']>;
    result: ClientRequests[M]['result'];
    experimental: ClientRequests[M] extends { experimental: true } ? true : false;
  };
};
export type ProbeNotifications = ServerNotifications;
export type ProbeServerRequests = ServerRequests;
