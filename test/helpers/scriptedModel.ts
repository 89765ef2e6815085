/**
 * A local scripted model: an HTTP server that speaks the OpenAI Responses
 * streaming format (`POST /v1/responses`) and the Chat Completions streaming
 * format (`POST /v1/chat/completions`). Each test queues the replies; every
 * request received is recorded. Both our server and the reference codex
 * app-server are pointed at it through `config.toml`.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

export type ScriptedItem =
  | { type: 'message'; text: string; chunks?: string[] }
  | { type: 'reasoning'; summary: string[] }
  /** `namespace` names the namespace tool holding the function (MCP tools: `mcp__<server>`). */
  | { type: 'function_call'; name: string; arguments: string | object; callId?: string; namespace?: string }
  | { type: 'custom_tool_call'; name: string; input: string; callId?: string }
  /** Not an output item: holds the stream open here for `ms`, or until `until` settles if that comes first. */
  | { type: 'hold'; ms: number; until?: Promise<unknown> }
  /** Not an output item: breaks the stream here, by closing the connection or by sending `response.failed`. */
  | { type: 'break'; how: 'drop' | 'failed'; message?: string; code?: string };

/** An SSE event the model has written, in order (see `ScriptedModel.sentEvents`). */
export interface SentEvent {
  /** Index of the model request (into `modelRequests`) whose stream carried it. */
  request: number;
  /** The SSE event type, e.g. `response.output_item.done`, `response.completed`, or `drop`. */
  type: string;
  /** When it was written (Date.now()). */
  at: number;
}

/** What the event generators yield: an SSE frame to write, or a pause/break of the stream. */
type StreamStep = string | { hold: { ms: number; until?: Promise<unknown> } } | { break: 'drop' };

export interface ScriptedReply {
  items: ScriptedItem[];
  usage?: { input_tokens: number; output_tokens: number; cached_tokens?: number; reasoning_tokens?: number };
  /** Answer with this HTTP status (and no stream) instead, e.g. 429 or 500. */
  httpStatus?: number;
  /** Close the connection after this many SSE events, without `response.completed`. */
  dropAfterEvents?: number;
  /** Wait before each SSE event (ms): lets tests interrupt a streaming turn. */
  eventDelayMs?: number;
  /** Wait before the headers (ms). */
  initialDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  receivedAt: number;
}

/** Helpers to write scripts tersely. */
export const reply = {
  text: (text: string, chunks?: string[]): ScriptedReply => ({ items: [{ type: 'message', text, chunks }] }),
  call: (name: string, args: object, callId?: string): ScriptedReply => ({ items: [{ type: 'function_call', name, arguments: args, callId }] }),
  /** A call to a function inside a namespace tool, e.g. an MCP tool (`mcp__<server>`). */
  namespacedCall: (namespace: string, name: string, args: object, callId?: string): ScriptedReply => ({
    items: [{ type: 'function_call', namespace, name, arguments: args, callId }],
  }),
  items: (...items: ScriptedItem[]): ScriptedReply => ({ items }),
  status: (httpStatus: number): ScriptedReply => ({ items: [], httpStatus }),
};

export class ScriptedModel {
  readonly requests: RecordedRequest[] = [];
  /** Every SSE event written so far: lets tests check what a server did before the model's stream ended. */
  readonly sentEvents: SentEvent[] = [];
  private readonly queue: ScriptedReply[] = [];
  private server: http.Server | undefined;
  private port = 0;
  private idCounter = 0;
  private readonly sockets = new Set<import('node:net').Socket>();
  /** Used when the queue is empty, so a stray extra request never hangs a test. */
  fallback: ScriptedReply = reply.text('(no scripted reply left)');
  /** What `GET /v1/models` lists (a local model server's installed models). */
  availableModels: string[] = ['mock-model'];

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    // A test that fails before stop() must not keep the test process (mocha) from exiting.
    this.server.unref();
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The `base_url` for config.toml. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  enqueue(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Requests to the model endpoints only (not /models probes). */
  get modelRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/responses') || r.path.endsWith('/chat/completions'));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Writes a `config.toml` that points a codex home at this model. */
  writeConfig(codexHome: string, options: { wireApi?: 'responses' | 'chat'; model?: string; extra?: string } = {}): void {
    fs.mkdirSync(codexHome, { recursive: true });
    // The reference's sandbox puts empty `.git`/`.codex` placeholders into every writable root and
    // leaves them behind when killed; /tmp must not be one (an empty /tmp/.git fakes a repository
    // around every test folder). TMPDIR is kept inside the test's folder by the spawn helpers.
    const sandboxTable = /^\[sandbox_workspace_write\]\s*$/m;
    const extra = options.extra ?? '';
    const noSlashTmp = 'exclude_slash_tmp = true';
    const toml = [
      `model = "${options.model ?? 'mock-model'}"`,
      'model_provider = "mock"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      sandboxTable.test(extra) ? extra.replace(sandboxTable, (header) => `${header}\n${noSlashTmp}`) : extra,
      '',
      // Before the provider table, which stays last: tests append provider keys to the file.
      ...(sandboxTable.test(extra) ? [] : ['[sandbox_workspace_write]', noSlashTmp, '']),
      '[model_providers.mock]',
      'name = "Scripted mock"',
      `base_url = "${this.baseUrl}"`,
      `wire_api = "${options.wireApi ?? 'responses'}"`,
      'env_key = "MOCK_KEY"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(codexHome, 'config.toml'), toml);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* keep raw text */
    }
    const url = req.url ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path: url.split('?')[0], headers: req.headers, body, receivedAt: Date.now() });

    if (req.method === 'GET' && url.split('?')[0].endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: this.availableModels.map((id) => ({ id, object: 'model' })), models: [] }));
      return;
    }
    const isResponses = url.split('?')[0].endsWith('/responses');
    const isChat = url.split('?')[0].endsWith('/chat/completions');
    if (req.method !== 'POST' || (!isResponses && !isChat)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `scripted model: no route for ${req.method} ${url}` } }));
      return;
    }

    const script = this.queue.shift() ?? this.fallback;
    const requestIndex = this.modelRequests.length - 1;
    if (script.initialDelayMs) await sleep(script.initialDelayMs);
    if (script.httpStatus && script.httpStatus >= 400) {
      res.writeHead(script.httpStatus, { 'content-type': 'application/json', 'retry-after-ms': '10' });
      res.end(JSON.stringify({ error: { message: `scripted HTTP ${script.httpStatus}`, type: 'scripted_error' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const events = isResponses ? this.responsesEvents(script) : this.chatEvents(script, body?.model ?? 'mock-model');
    let sent = 0;
    for (const event of events) {
      if (res.destroyed) return;
      if (typeof event !== 'string') {
        if ('hold' in event) await holdFor(event.hold.ms, event.hold.until);
        else {
          this.sentEvents.push({ request: requestIndex, type: 'drop', at: Date.now() });
          res.destroy();
          return;
        }
        continue;
      }
      if (script.dropAfterEvents !== undefined && sent >= script.dropAfterEvents) {
        res.destroy();
        return;
      }
      if (script.eventDelayMs) await sleep(script.eventDelayMs);
      if (res.destroyed) return;
      res.write(event);
      this.sentEvents.push({ request: requestIndex, type: sseType(event), at: Date.now() });
      sent++;
    }
    res.end();
  }

  private nextId(prefix: string): string {
    return `${prefix}_${++this.idCounter}`;
  }

  /** Server-sent events of the Responses API. */
  private *responsesEvents(script: ScriptedReply): Generator<StreamStep> {
    const responseId = this.nextId('resp');
    const sse = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    yield sse('response.created', { response: { id: responseId, object: 'response', status: 'in_progress', output: [] } });
    const output: object[] = [];
    for (const item of script.items) {
      // Holds and breaks are not output items, so they take no output index.
      const outputIndex = output.length;
      if (item.type === 'hold') {
        yield { hold: item };
      } else if (item.type === 'break') {
        if (item.how === 'drop') {
          yield { break: 'drop' };
        } else {
          const error = { code: item.code ?? 'server_error', message: item.message ?? 'scripted failure' };
          yield sse('response.failed', { response: { id: responseId, object: 'response', status: 'failed', error, output } });
        }
        return;
      } else if (item.type === 'message') {
        const id = this.nextId('msg');
        yield sse('response.output_item.added', { output_index: outputIndex, item: { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] } });
        yield sse('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
        for (const delta of item.chunks ?? splitText(item.text)) {
          yield sse('response.output_text.delta', { item_id: id, output_index: outputIndex, content_index: 0, delta });
        }
        yield sse('response.output_text.done', { item_id: id, output_index: outputIndex, content_index: 0, text: item.text });
        const done = { type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: item.text, annotations: [] }] };
        yield sse('response.output_item.done', { output_index: outputIndex, item: done });
        output.push(done);
      } else if (item.type === 'reasoning') {
        const id = this.nextId('rs');
        yield sse('response.output_item.added', { output_index: outputIndex, item: { type: 'reasoning', id, summary: [] } });
        for (let summaryIndex = 0; summaryIndex < item.summary.length; summaryIndex++) {
          yield sse('response.reasoning_summary_part.added', { item_id: id, output_index: outputIndex, summary_index: summaryIndex, part: { type: 'summary_text', text: '' } });
          for (const delta of splitText(item.summary[summaryIndex])) {
            yield sse('response.reasoning_summary_text.delta', { item_id: id, output_index: outputIndex, summary_index: summaryIndex, delta });
          }
          yield sse('response.reasoning_summary_text.done', { item_id: id, output_index: outputIndex, summary_index: summaryIndex, text: item.summary[summaryIndex] });
        }
        const done = { type: 'reasoning', id, summary: item.summary.map((text) => ({ type: 'summary_text', text })) };
        yield sse('response.output_item.done', { output_index: outputIndex, item: done });
        output.push(done);
      } else if (item.type === 'function_call') {
        const id = this.nextId('fc');
        const callId = item.callId ?? this.nextId('call');
        const args = typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments);
        const namespace = item.namespace ? { namespace: item.namespace } : {};
        yield sse('response.output_item.added', { output_index: outputIndex, item: { type: 'function_call', id, call_id: callId, name: item.name, ...namespace, arguments: '', status: 'in_progress' } });
        yield sse('response.function_call_arguments.delta', { item_id: id, output_index: outputIndex, delta: args });
        yield sse('response.function_call_arguments.done', { item_id: id, output_index: outputIndex, arguments: args });
        const done = { type: 'function_call', id, call_id: callId, name: item.name, ...namespace, arguments: args, status: 'completed' };
        yield sse('response.output_item.done', { output_index: outputIndex, item: done });
        output.push(done);
      } else {
        const id = this.nextId('ctc');
        const callId = item.callId ?? this.nextId('call');
        const done = { type: 'custom_tool_call', id, call_id: callId, name: item.name, input: item.input, status: 'completed' };
        yield sse('response.output_item.added', { output_index: outputIndex, item: { ...done, input: '', status: 'in_progress' } });
        yield sse('response.output_item.done', { output_index: outputIndex, item: done });
        output.push(done);
      }
    }
    const u = script.usage ?? { input_tokens: 100, output_tokens: 20 };
    yield sse('response.completed', {
      response: {
        id: responseId,
        object: 'response',
        status: 'completed',
        output,
        usage: {
          input_tokens: u.input_tokens,
          input_tokens_details: { cached_tokens: u.cached_tokens ?? 0 },
          output_tokens: u.output_tokens,
          output_tokens_details: { reasoning_tokens: u.reasoning_tokens ?? 0 },
          total_tokens: u.input_tokens + u.output_tokens,
        },
      },
    });
  }

  /** Server-sent events of the Chat Completions API. */
  private *chatEvents(script: ScriptedReply, model: string): Generator<StreamStep> {
    const id = this.nextId('chatcmpl');
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    yield chunk({ role: 'assistant', content: '' });
    let toolIndex = 0;
    for (const item of script.items) {
      if (item.type === 'message') {
        for (const delta of item.chunks ?? splitText(item.text)) yield chunk({ content: delta });
      } else if (item.type === 'hold') {
        yield { hold: item };
      } else if (item.type === 'break') {
        yield { break: 'drop' };
        return;
      } else if (item.type === 'reasoning') {
        for (const text of item.summary) yield chunk({ reasoning: text });
      } else if (item.type === 'function_call') {
        const args = typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments);
        yield chunk({ tool_calls: [{ index: toolIndex++, id: item.callId ?? this.nextId('call'), type: 'function', function: { name: item.name, arguments: args } }] });
      }
    }
    const hasTools = script.items.some((i) => i.type === 'function_call');
    const u = script.usage ?? { input_tokens: 100, output_tokens: 20 };
    yield chunk({}, hasTools ? 'tool_calls' : 'stop', {
      usage: { prompt_tokens: u.input_tokens, completion_tokens: u.output_tokens, total_tokens: u.input_tokens + u.output_tokens },
    });
    yield 'data: [DONE]\n\n';
  }
}

/** Splits text into small deltas (about 8 characters), as a model streams. */
export function splitText(text: string, size = 8): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts.length ? parts : [''];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits `ms`, or less if `until` settles first. */
async function holdFor(ms: number, until?: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([timeout, until?.then(() => undefined, () => undefined) ?? timeout]);
  clearTimeout(timer);
}

/** The `event:` name of an SSE frame (Chat Completions frames have none: `chunk`, or `done` for [DONE]). */
function sseType(frame: string): string {
  const named = /^event: (.+)$/m.exec(frame);
  if (named) return named[1];
  return frame.includes('[DONE]') ? 'done' : 'chunk';
}
