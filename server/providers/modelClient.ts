/**
 * Streams one model response through the `openai` SDK and turns both wire
 * APIs (Responses and Chat Completions) into the same small event stream.
 * One call is one attempt; the turn engine decides about retries.
 */
import type OpenAI from 'openai';
import type { ResolvedProvider } from './registry';

/** The SDK is a large module: it loads with the first model request, not at server start. */
let openaiSdk: typeof OpenAI | undefined;
function loadOpenAI(): typeof OpenAI {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (openaiSdk ??= (require('openai') as { default: typeof OpenAI }).default);
}

/** A Responses-API item (message, reasoning, function_call, function_call_output…). */
export type ResponseItem = { type: string; [field: string]: unknown };

export interface ToolSpec {
  type: 'function';
  name: string;
  description: string;
  strict: boolean;
  parameters: Record<string, unknown>;
}
export type FunctionToolSpec = ToolSpec;

/** A group of functions the model calls with `namespace` set (MCP servers: `mcp__<server>`). */
export interface NamespaceToolSpec {
  type: 'namespace';
  name: string;
  description: string;
  tools: FunctionToolSpec[];
}

export type ModelTool = ToolSpec | NamespaceToolSpec;

/** What a tool call gives back to the model: text, or content items (MCP results). */
export type ToolOutput = string | Record<string, unknown>[];

/** Chat Completions has no namespaces: their functions are flattened to `<namespace>__<name>`. */
export function flattenTools(tools: ModelTool[]): ToolSpec[] {
  return tools.flatMap((tool) => (tool.type === 'namespace' ? tool.tools.map((fn) => ({ ...fn, name: `${tool.name}__${fn.name}` })) : [tool]));
}

interface ModelRequest {
  model: string;
  instructions: string;
  input: ResponseItem[];
  tools: ModelTool[];
  reasoningEffort?: string | null;
  reasoningSummary?: string | null;
  promptCacheKey?: string;
  /** JSON Schema the final answer must follow (turn/start `outputSchema`). */
  outputSchema?: unknown;
  /** Extra headers for this request (conversation ids). */
  headers?: Record<string, string>;
}

export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  totalTokens: number;
}

export type ModelEvent =
  | { type: 'itemAdded'; item: ResponseItem }
  | { type: 'textDelta'; itemId: string; delta: string }
  | { type: 'reasoningPartAdded'; itemId: string; summaryIndex: number }
  | { type: 'reasoningDelta'; itemId: string; summaryIndex: number; delta: string }
  /** Raw reasoning text (open-weight models such as gpt-oss stream it). */
  | { type: 'reasoningTextDelta'; itemId: string; contentIndex: number; delta: string }
  | { type: 'itemDone'; item: ResponseItem }
  | { type: 'completed'; usage: Usage | null };

/** A failed attempt, classified so the engine can retry or explain it. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** CodexErrorInfo for the protocol (`internalServerError`, `{responseStreamDisconnected:…}`…). */
    readonly codexErrorInfo: unknown,
    readonly httpStatus: number | null = null,
    /** Server-suggested delay before a retry. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

export class ModelClient {
  private readonly client: OpenAI;

  constructor(readonly provider: ResolvedProvider) {
    const OpenAISdk = loadOpenAI();
    this.client = new OpenAISdk({
      apiKey: provider.apiKey,
      baseURL: provider.baseUrl,
      defaultHeaders: provider.headers,
      defaultQuery: Object.keys(provider.queryParams).length ? provider.queryParams : undefined,
      // Retries are the turn engine's job (it reports each one to the client).
      maxRetries: 0,
      timeout: provider.streamIdleTimeoutMs,
    });
  }

  /** One attempt. A stream silent for `stream_idle_timeout_ms` counts as dropped. */
  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    const attempt = new AbortController();
    const forward = () => attempt.abort();
    signal.addEventListener('abort', forward, { once: true });
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        attempt.abort();
      }, this.provider.streamIdleTimeoutMs);
    };
    try {
      arm();
      const events = this.provider.wireApi === 'chat' ? this.streamChat(request, attempt.signal) : this.streamResponses(request, attempt.signal);
      for await (const event of events) {
        arm();
        yield event;
      }
    } catch (error) {
      if (idle && !signal.aborted) {
        throw new ModelError(`stream disconnected before completion: idle for ${this.provider.streamIdleTimeoutMs} ms`, true, {
          responseStreamDisconnected: { httpStatusCode: null },
        });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', forward);
    }
  }

  private async *streamResponses(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    const body: Record<string, unknown> = {
      model: request.model,
      instructions: request.instructions,
      input: request.input,
      tools: request.tools,
      tool_choice: 'auto',
      // Calls of one response run concurrently where safe (see tools/toolRuntime), as in the reference.
      parallel_tool_calls: request.tools.length > 0,
      store: false,
      stream: true,
    };
    if (request.reasoningEffort || request.reasoningSummary) {
      body.reasoning = { effort: request.reasoningEffort ?? undefined, summary: request.reasoningSummary ?? 'auto' };
      // With `store: false`, reasoning can only be replayed from its encrypted content.
      body.include = ['reasoning.encrypted_content'];
    }
    if (request.promptCacheKey) body.prompt_cache_key = request.promptCacheKey;
    if (request.outputSchema) body.text = { format: { type: 'json_schema', name: 'codex_output_schema', schema: request.outputSchema, strict: true } };
    const stream = await this.call(() =>
      this.client.responses.create(body as never, { signal, headers: request.headers }) as unknown as Promise<AsyncIterable<any>>,
    );
    let completed = false;
    try {
      for await (const event of stream) {
        switch (event.type) {
          case 'response.output_item.added':
            yield { type: 'itemAdded', item: event.item };
            break;
          case 'response.output_text.delta':
            yield { type: 'textDelta', itemId: event.item_id, delta: event.delta };
            break;
          case 'response.reasoning_summary_part.added':
            yield { type: 'reasoningPartAdded', itemId: event.item_id, summaryIndex: event.summary_index };
            break;
          case 'response.reasoning_summary_text.delta':
            yield { type: 'reasoningDelta', itemId: event.item_id, summaryIndex: event.summary_index, delta: event.delta };
            break;
          case 'response.reasoning_text.delta':
            yield { type: 'reasoningTextDelta', itemId: event.item_id, contentIndex: event.content_index ?? 0, delta: event.delta };
            break;
          case 'response.output_item.done':
            yield { type: 'itemDone', item: event.item };
            break;
          case 'response.completed':
            completed = true;
            yield { type: 'completed', usage: responsesUsage(event.response?.usage) };
            break;
          case 'response.failed':
          case 'error':
            throw responseFailed(event.response?.error ?? event.error ?? event);
        }
      }
    } catch (error) {
      throw streamBroke(error, signal);
    }
    if (!completed) throw disconnected();
  }

  private async *streamChat(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    const body = {
      model: request.model,
      messages: [{ role: 'system', content: request.instructions }, ...toChatMessages(request.input)],
      tools: flattenTools(request.tools).map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } })),
      stream: true,
      stream_options: { include_usage: true },
      ...(request.outputSchema
        ? { response_format: { type: 'json_schema', json_schema: { name: 'codex_output_schema', schema: request.outputSchema, strict: true } } }
        : {}),
    };
    const stream = await this.call(() =>
      this.client.chat.completions.create(body as never, { signal, headers: request.headers }) as unknown as Promise<AsyncIterable<any>>,
    );
    const messageId = `msg_${Date.now().toString(36)}`;
    const reasoningId = `rs_${Date.now().toString(36)}`;
    let text = '';
    let reasoning = '';
    let usage: Usage | null = null;
    let finished = false;
    const toolCalls: { id: string; name: string; arguments: string }[] = [];
    try {
      for await (const chunk of stream) {
        if (chunk.usage) usage = chatUsage(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta ?? {};
        const reasoningDelta: string | undefined = delta.reasoning ?? delta.reasoning_content;
        if (reasoningDelta) {
          if (!reasoning) {
            yield { type: 'itemAdded', item: { type: 'reasoning', id: reasoningId, summary: [] } };
            yield { type: 'reasoningPartAdded', itemId: reasoningId, summaryIndex: 0 };
          }
          reasoning += reasoningDelta;
          yield { type: 'reasoningDelta', itemId: reasoningId, summaryIndex: 0, delta: reasoningDelta };
        }
        if (typeof delta.content === 'string' && delta.content) {
          if (!text) yield { type: 'itemAdded', item: { type: 'message', id: messageId, role: 'assistant', content: [] } };
          text += delta.content;
          yield { type: 'textDelta', itemId: messageId, delta: delta.content };
        }
        for (const call of delta.tool_calls ?? []) {
          const slot = (toolCalls[call.index ?? 0] ??= { id: '', name: '', arguments: '' });
          if (call.id) slot.id = call.id;
          if (call.function?.name) slot.name += call.function.name;
          if (call.function?.arguments) slot.arguments += call.function.arguments;
        }
        if (choice.finish_reason) finished = true;
      }
    } catch (error) {
      throw streamBroke(error, signal);
    }
    if (!finished) throw disconnected();
    if (reasoning) yield { type: 'itemDone', item: { type: 'reasoning', id: reasoningId, summary: [{ type: 'summary_text', text: reasoning }] } };
    if (text) {
      yield { type: 'itemDone', item: { type: 'message', id: messageId, role: 'assistant', content: [{ type: 'output_text', text }] } };
    }
    for (const [index, call] of toolCalls.entries()) {
      if (!call) continue;
      const item = { type: 'function_call', id: `fc_${index}_${call.id}`, call_id: call.id || `call_${index}`, name: call.name, arguments: call.arguments };
      yield { type: 'itemAdded', item };
      yield { type: 'itemDone', item };
    }
    yield { type: 'completed', usage };
  }

  private async call<T>(start: () => Promise<T>): Promise<T> {
    try {
      return await start();
    } catch (error) {
      throw classify(error, undefined);
    }
  }
}

/** An error while reading an already-open stream: the connection dropped mid-reply. */
function streamBroke(error: unknown, signal: AbortSignal): Error {
  if (error instanceof ModelError || signal.aborted) return error as Error;
  const message = (error as Error)?.message ?? String(error);
  return new ModelError(`stream disconnected before completion: ${message}`, true, { responseStreamDisconnected: { httpStatusCode: null } });
}

/** Error codes of `response.failed` that a retry cannot fix; any other failure is a broken stream, retried as such (as in the reference). */
const FINAL_RESPONSE_ERRORS: Record<string, string> = {
  context_length_exceeded: 'contextWindowExceeded',
  insufficient_quota: 'usageLimitExceeded',
  usage_not_included: 'usageLimitExceeded',
  invalid_prompt: 'badRequest',
};

function responseFailed(error: { code?: unknown; message?: unknown } | undefined): ModelError {
  const message = typeof error?.message === 'string' && error.message ? error.message : 'the model reported an error';
  const finalInfo = typeof error?.code === 'string' ? FINAL_RESPONSE_ERRORS[error.code] : undefined;
  if (finalInfo) return new ModelError(message, false, finalInfo);
  return new ModelError(`stream disconnected before completion: ${message}`, true, { responseStreamDisconnected: { httpStatusCode: null } });
}

function disconnected(): ModelError {
  return new ModelError('stream disconnected before completion: the connection closed before the response completed', true, {
    responseStreamDisconnected: { httpStatusCode: null },
  });
}

/** Maps SDK/network errors to ModelError; 429, 5xx and dropped connections are retryable. */
export function classify(error: unknown, signal: AbortSignal | undefined): Error {
  if (error instanceof ModelError) return error;
  if (signal?.aborted) return error as Error;
  const OpenAISdk = loadOpenAI();
  if (error instanceof OpenAISdk.APIError && typeof error.status === 'number') {
    const status = error.status;
    const detail = (error.error as { message?: string } | undefined)?.message ?? error.message;
    const retryAfter = retryAfterMs(error.headers);
    if (status === 429) return new ModelError(`Rate limited by the model provider (HTTP 429): ${detail}`, true, 'rateLimitExceeded', status, retryAfter);
    if (status >= 500) return new ModelError(`The model provider failed (HTTP ${status}): ${detail}`, true, 'internalServerError', status, retryAfter);
    if (status === 401) return new ModelError(`The model provider rejected the API key (HTTP 401): ${detail}`, false, 'unauthorized', status);
    if (status === 404) return new ModelError(`Model or endpoint not found (HTTP 404): ${detail}`, false, 'modelNotFound', status);
    if (status === 400 && (error.error as { code?: string } | undefined)?.code === 'context_length_exceeded') {
      return new ModelError(`The request does not fit in the model's context window (HTTP 400): ${detail}`, false, 'contextWindowExceeded', status);
    }
    if (status === 400) return new ModelError(`The model provider rejected the request (HTTP 400): ${detail}`, false, 'badRequest', status);
    return new ModelError(`Unexpected status ${status} from the model provider: ${detail}`, false, { httpConnectionFailed: { httpStatusCode: status } }, status);
  }
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof OpenAISdk.APIConnectionError) {
    return new ModelError(`Could not reach the model provider: ${message}`, true, { httpConnectionFailed: { httpStatusCode: null } });
  }
  return new ModelError(`stream disconnected before completion: ${message}`, true, { responseStreamDisconnected: { httpStatusCode: null } });
}

function retryAfterMs(headers: Headers | undefined): number | null {
  const ms = Number(headers?.get?.('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(headers?.get?.('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

function responsesUsage(u: any): Usage | null {
  if (!u) return null;
  return usage(u.input_tokens, u.input_tokens_details?.cached_tokens, u.output_tokens, u.output_tokens_details?.reasoning_tokens, u.total_tokens);
}

function chatUsage(u: any): Usage {
  return usage(u.prompt_tokens, u.prompt_tokens_details?.cached_tokens, u.completion_tokens, u.completion_tokens_details?.reasoning_tokens, u.total_tokens);
}

type Count = number | null | undefined;

/** Token counts from either API's usage object; absent counts are 0 and the total defaults to input + output. */
function usage(input: Count, cachedInput: Count, output: Count, reasoningOutput: Count, total: Count): Usage {
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return { inputTokens, cachedInputTokens: cachedInput ?? 0, outputTokens, reasoningOutputTokens: reasoningOutput ?? 0, totalTokens: total ?? inputTokens + outputTokens };
}

const textOf = (content: unknown): string =>
  Array.isArray(content) ? content.map((part: any) => (typeof part?.text === 'string' ? part.text : '')).join('') : String(content ?? '');

/** Converts Responses-API history to Chat Completions messages. */
function toChatMessages(items: ResponseItem[]): object[] {
  const messages: any[] = [];
  for (const item of items) {
    if (item.type === 'message') {
      const role = item.role === 'developer' ? 'system' : (item.role as string);
      messages.push({ role, content: textOf(item.content) });
    } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      const call = {
        id: item.call_id,
        type: 'function',
        function: { name: item.namespace ? `${String(item.namespace)}__${String(item.name)}` : item.name, arguments: item.type === 'function_call' ? item.arguments : JSON.stringify({ input: item.input }) },
      };
      const last = messages[messages.length - 1];
      if (last?.role === 'assistant' && last.tool_calls) last.tool_calls.push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: typeof item.output === 'string' ? item.output : Array.isArray(item.output) ? textOf(item.output) : JSON.stringify(item.output) });
    }
  }
  return messages;
}
