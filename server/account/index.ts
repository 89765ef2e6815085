/**
 * `account/*`: the signed-in account, as the reference reports it. Offline we
 * support what the reference does without the internet: an OpenAI API key
 * saved in `$CODEX_HOME/auth.json`. ChatGPT sign-in, device codes and rate
 * limits need OpenAI's servers: they answer with an error that says so.
 */
import type { NamespaceModule } from '../core/appServer';
import { loadEffectiveConfig } from '../config/loader';
import { ErrorCode, RpcError } from '../rpc/errors';
import {
  CancelLoginAccountParams,
  GetAccountParams,
  LoginAccountParams,
  NoParams,
  type AccountLoginCompletedNotification,
  type AccountUpdatedNotification,
  type GetAccountResponse,
} from '../../protocol/account';
import { readAuthFile, removeAuthFile, saveApiKey } from './authStore';
import { checkApiKey } from './apiKey';
import { requiresOpenaiAuth } from './providerAuth';

/** Said wherever the reference would go to OpenAI's servers. */
export const NEEDS_OFFICIAL_SERVER =
  'needs the official Codex server (set codex.serverPath to the `codex` binary) and internet access; this server signs in with an OpenAI API key (account/login/start with type "apiKey")';

export const accountModule: NamespaceModule = (registry, server) => {
  const afterResponse = (send: () => void) => setImmediate(send);

  registry.register('account/read', GetAccountParams, (): GetAccountResponse => {
    const config = loadEffectiveConfig(server.codexHome, server.options.configOverrides ?? []);
    const auth = readAuthFile(server.codexHome);
    let account: GetAccountResponse['account'] = null;
    if (typeof auth?.OPENAI_API_KEY === 'string' && auth.OPENAI_API_KEY) account = { type: 'apiKey' };
    else if (auth?.tokens) account = { type: 'chatgpt', email: null, planType: 'unknown', workspaceName: null };
    return { account, userId: null, requiresOpenaiAuth: requiresOpenaiAuth(config), workspaceRouting: null };
  });

  registry.register('account/login/start', LoginAccountParams, (params) => {
    if (params.type !== 'apiKey') {
      const what = params.type.startsWith('amazonBedrock') ? 'Amazon Bedrock sign-in' : 'ChatGPT sign-in';
      throw new RpcError(ErrorCode.InvalidRequest, `${what} ${NEEDS_OFFICIAL_SERVER}`);
    }
    const problem = checkApiKey(params.apiKey);
    if (problem) throw new RpcError(ErrorCode.InvalidParams, problem);
    saveApiKey(server.codexHome, params.apiKey.trim());
    afterResponse(() => {
      const completed: AccountLoginCompletedNotification = { loginId: null, success: true, error: null, onboardingEntrypoint: null };
      server.broadcast('account/login/completed', completed);
      const updated: AccountUpdatedNotification = { authMode: 'apikey', planType: null };
      server.broadcast('account/updated', updated);
    });
    return { type: 'apiKey' };
  });

  // No login is ever pending here (only API keys, which complete at once): every id is unknown, as in the reference.
  registry.register('account/login/cancel', CancelLoginAccountParams, (params) => {
    throw new RpcError(ErrorCode.InvalidRequest, `invalid login id: ${params.loginId}`);
  });

  registry.register('account/logout', NoParams, () => {
    removeAuthFile(server.codexHome);
    afterResponse(() => {
      const updated: AccountUpdatedNotification = { authMode: null, planType: null };
      server.broadcast('account/updated', updated);
    });
    return {};
  });

  // Rate limits belong to ChatGPT accounts; the reference words the error by what is signed in.
  registry.register('account/rateLimits/read', NoParams, () => {
    const who = readAuthFile(server.codexHome) ? 'chatgpt' : 'codex account';
    throw new RpcError(ErrorCode.InvalidRequest, `${who} authentication required to read rate limits; ChatGPT accounts ${NEEDS_OFFICIAL_SERVER}`);
  });
};
