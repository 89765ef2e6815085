/**
 * `fuzzyFileSearch {query, roots}` and the experimental session variant
 * (`fuzzyFileSearch/sessionStart|sessionUpdate|sessionStop`, answered by
 * `fuzzyFileSearch/sessionUpdated` then `fuzzyFileSearch/sessionCompleted`
 * for each query), as the reference offers them.
 */
import type { NamespaceModule } from '../core/appServer';
import type { ClientSession } from '../core/session';
import { ErrorCode, RpcError } from '../rpc/errors';
import { FuzzyFileSearchParams, FuzzyFileSearchSessionStartParams, FuzzyFileSearchSessionStopParams, FuzzyFileSearchSessionUpdateParams } from '../../protocol/fuzzyFileSearch';
import { fuzzyFileSearch } from './search';

export const fuzzyFileSearchModule: NamespaceModule = (registry) => {
  registry.register('fuzzyFileSearch', FuzzyFileSearchParams, (params) => ({ files: fuzzyFileSearch(params.query, params.roots) }));

  // Sessions belong to the connection that started them.
  const sessions = new WeakMap<ClientSession, Map<string, string[]>>();
  const sessionsOf = (client: ClientSession) => {
    let map = sessions.get(client);
    if (!map) sessions.set(client, (map = new Map()));
    return map;
  };
  const requireSession = (client: ClientSession, sessionId: string) => {
    const roots = sessionsOf(client).get(sessionId);
    if (!roots) throw new RpcError(ErrorCode.InvalidRequest, `fuzzy file search session not found: ${sessionId}`);
    return roots;
  };

  registry.register(
    'fuzzyFileSearch/sessionStart',
    FuzzyFileSearchSessionStartParams,
    (params, client) => {
      if (params.roots.length === 0) throw new RpcError(ErrorCode.InternalError, 'failed to start fuzzy file search session: at least one search directory is required');
      sessionsOf(client).set(params.sessionId, params.roots);
      return {};
    },
    { experimental: true },
  );
  registry.register(
    'fuzzyFileSearch/sessionUpdate',
    FuzzyFileSearchSessionUpdateParams,
    (params, client) => {
      const roots = requireSession(client, params.sessionId);
      setImmediate(() => {
        if (sessionsOf(client).get(params.sessionId) !== roots) return;
        client.notify('fuzzyFileSearch/sessionUpdated', { sessionId: params.sessionId, query: params.query, files: fuzzyFileSearch(params.query, roots) });
        client.notify('fuzzyFileSearch/sessionCompleted', { sessionId: params.sessionId });
      });
      return {};
    },
    { experimental: true },
  );
  registry.register(
    'fuzzyFileSearch/sessionStop',
    FuzzyFileSearchSessionStopParams,
    (params, client) => {
      sessionsOf(client).delete(params.sessionId);
      return {};
    },
    { experimental: true },
  );
};
