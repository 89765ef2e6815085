import { z } from 'zod';

/** `account/read` (the reference requires a params object). */
export const GetAccountParams = z.object({ refreshToken: z.boolean().optional() });

/** `account/login/start`: every variant the reference accepts; only `apiKey` works offline. */
export const LoginAccountParams = z.discriminatedUnion('type', [
  z.object({ type: z.literal('apiKey'), apiKey: z.string() }),
  z.object({ type: z.literal('chatgpt'), codexStreamlinedLogin: z.boolean().optional(), useHostedLoginSuccessPage: z.boolean().optional(), appBrand: z.unknown().optional() }),
  z.object({ type: z.literal('chatgptDeviceCode') }),
  z.object({ type: z.literal('chatgptAuthTokens'), accessToken: z.string(), chatgptAccountId: z.string(), chatgptPlanType: z.string().nullish() }),
  z.object({ type: z.literal('amazonBedrock'), apiKey: z.string(), region: z.string() }),
  z.object({
    type: z.literal('amazonBedrockAccessKeys'),
    accessKeyId: z.string(),
    secretAccessKey: z.string(),
    sessionToken: z.string().nullish(),
    region: z.string(),
  }),
]);
export type LoginAccountParams = z.infer<typeof LoginAccountParams>;

export const CancelLoginAccountParams = z.object({ loginId: z.string() });

/** `account/logout` and `account/rateLimits/read` take no params. */
export const NoParams = z.unknown();

/** Every account the reference reports; ours reports `apiKey` (and `chatgpt` for tokens the official server saved). */
export type Account =
  | { type: 'apiKey' }
  | { type: 'chatgpt'; email: string | null; planType: string; workspaceName: string | null }
  | { type: 'amazonBedrock'; usesCodexManagedCredentials: boolean }
  | { type: 'gcp' };

export interface GetAccountResponse {
  account: Account | null;
  userId: string | null;
  requiresOpenaiAuth: boolean;
  workspaceRouting: null;
}

export interface AccountLoginCompletedNotification {
  loginId: string | null;
  success: boolean;
  error: string | null;
  onboardingEntrypoint: null;
}

/** The reference's AuthMode; ours sends `apikey` or null. */
export type AuthMode = 'apikey' | 'chatgpt' | 'chatgptAuthTokens' | 'headers' | 'agentIdentity' | 'personalAccessToken' | 'bedrockApiKey' | 'bedrockAccessKeys';

export interface AccountUpdatedNotification {
  authMode: AuthMode | null;
  planType: string | null;
}

/** The reference's answers; ours answers `apiKey` (the others need OpenAI's servers). */
export type LoginAccountResponse =
  | { type: 'apiKey' }
  | { type: 'chatgpt'; loginId: string; authUrl: string }
  | { type: 'chatgptDeviceCode'; loginId: string; verificationUrl: string; userCode: string }
  | { type: 'chatgptAuthTokens' }
  | { type: 'amazonBedrock' };

/** What the reference answers `account/rateLimits/read` with (ours always refuses: ChatGPT accounts only). */
export type GetAccountRateLimitsResponse = Record<string, unknown>;

export interface AccountRequests {
  'account/read': { params: typeof GetAccountParams; result: GetAccountResponse };
  'account/login/start': { params: typeof LoginAccountParams; result: LoginAccountResponse };
  'account/login/cancel': { params: typeof CancelLoginAccountParams; result: { status: 'canceled' | 'notFound' } };
  'account/logout': { params: typeof NoParams; result: Record<string, never> };
  'account/rateLimits/read': { params: typeof NoParams; result: GetAccountRateLimitsResponse };
}
