import { z } from 'zod';

/** `mcpServerStatus/list` */
export const ListMcpServerStatusParams = z.object({
  cursor: z.string().nullish(),
  limit: z.number().int().positive().nullish(),
  detail: z.enum(['full', 'toolsAndAuthOnly']).nullish(),
  threadId: z.string().nullish(),
  serverName: z.string().nullish(),
});

/** `config/mcpServer/reload` takes no params. */
export const McpServerReloadParams = z.unknown();

/** `mcpServer/tool/call` */
export const McpServerToolCallParams = z.object({
  threadId: z.string(),
  server: z.string().min(1),
  tool: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).nullish(),
  _meta: z.unknown().optional(),
});

/** `mcpServer/resource/read` */
export const McpResourceReadParams = z.object({
  threadId: z.string().nullish(),
  server: z.string().min(1),
  uri: z.string().min(1),
  _meta: z.record(z.string(), z.unknown()).nullish(),
  originCallId: z.string().nullish(),
  connectorId: z.string().nullish(),
  target: z.unknown().optional(),
});

export type ListMcpServerStatusParams = z.infer<typeof ListMcpServerStatusParams>;

// ------------------------------------------------------------------ results and payloads

/** An MCP tool as the server lists it (MCP's own `Tool`). */
export interface McpTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
  icons?: unknown[];
  _meta?: unknown;
}

export interface McpResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  annotations?: unknown;
  icons?: unknown[];
  _meta?: unknown;
}

export type McpServerConnectionStatus = 'notStarted' | 'starting' | 'connected' | 'authenticationRequired' | 'failed' | 'cancelled' | 'disabled';
export type McpAuthStatus = 'unknown' | 'unsupported' | 'notLoggedIn' | 'bearerToken' | 'oAuth';

export interface McpServerInfo {
  name: string;
  title: string | null;
  version: string;
  description: string | null;
  icons: unknown[] | null;
  websiteUrl: string | null;
}

/** One entry of `mcpServerStatus/list`. */
export interface McpServerStatus {
  name: string;
  /** The thread's connection state; null without a thread. */
  runtimeStatus: McpServerConnectionStatus | null;
  pluginId: string | null;
  httpOrigin: string | null;
  serverInfo: McpServerInfo | null;
  serverCapabilities: unknown | null;
  toolListMeta: unknown | null;
  tools: Record<string, McpTool>;
  toolsError: string | null;
  resources: McpResource[];
  resourceTemplates: unknown[];
  authStatus: McpAuthStatus;
}

export interface McpServerToolCallResponse {
  content: unknown[];
  structuredContent?: unknown;
  isError?: boolean;
  _meta?: unknown;
}

export interface McpResourceReadResponse {
  contents: ({ uri: string; mimeType?: string; text: string; _meta?: unknown } | { uri: string; mimeType?: string; blob: string; _meta?: unknown })[];
  originCallId: string | null;
}

/** `mcpServer/startupStatus/updated` */
export interface McpServerStatusUpdatedNotification {
  threadId: string | null;
  name: string;
  status: 'starting' | 'ready' | 'failed' | 'cancelled';
  error: string | null;
  failureReason: 'reauthenticationRequired' | null;
}

export type McpServerElicitationAction = 'accept' | 'decline' | 'cancel';

/** `mcpServer/elicitation/request`. Our server sends `form` only; the reference also other modes (the chat declines those). */
export interface McpServerElicitationRequestParams {
  threadId: string;
  turnId: string | null;
  serverName: string;
  mode: 'form' | 'url' | 'openai/userVerification' | 'openai/form' | 'openaiForm';
  _meta: unknown | null;
  message: string;
  requestedSchema: unknown;
}

export interface McpServerElicitationRequestResponse {
  action: McpServerElicitationAction;
  content?: unknown | null;
  _meta?: unknown | null;
}

export interface McpRequests {
  'mcpServerStatus/list': { params: typeof ListMcpServerStatusParams; result: { data: McpServerStatus[]; nextCursor: string | null } };
  'config/mcpServer/reload': { params: typeof McpServerReloadParams; result: Record<string, never> };
  'mcpServer/tool/call': { params: typeof McpServerToolCallParams; result: McpServerToolCallResponse };
  'mcpServer/resource/read': { params: typeof McpResourceReadParams; result: McpResourceReadResponse };
}
