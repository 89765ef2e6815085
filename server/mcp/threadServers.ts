/**
 * Each loaded thread's MCP servers: created from the thread's effective config
 * at thread start (or lazily on the first turn of a resumed thread), closed
 * when the thread unloads or the app-server ends.
 */
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { ClientSession } from '../core/session';
import type { LoadedThread } from '../thread/loadedThread';
import { turnStateOf } from '../turn/state';
import { mcpServersFromConfig } from './config';
import { requestElicitation } from './elicitation';
import { McpServerSet } from './serverSet';

const sets = new WeakMap<LoadedThread, McpServerSet>();

/** The client that answers the thread's questions: the running turn's starter, else any subscriber. */
export function answeringClient(thread: LoadedThread): ClientSession | undefined {
  const active = turnStateOf(thread).active;
  return active?.approver() ?? [...thread.subscribers].find((session) => !session.isClosed);
}

/** The thread's server set, created (not started) on first use. */
export function mcpOf(thread: LoadedThread): McpServerSet {
  let set = sets.get(thread);
  if (!set) {
    set = new McpServerSet(mcpServersFromConfig(thread.config.raw), {
      threadId: thread.id,
      notifyStatus: (status) => thread.notify('mcpServer/startupStatus/updated', status),
      elicit: (serverName, request) => forwardElicitation(thread, serverName, request),
    });
    sets.set(thread, set);
    thread.onClose(() => {
      sets.delete(thread);
      void set!.close();
    });
  }
  return set;
}

/** The set if the thread already has one (status listings must not start servers of other threads). */
export function existingMcpOf(thread: LoadedThread): McpServerSet | undefined {
  return sets.get(thread);
}

/**
 * A server's elicitation, forwarded to a client. Like the reference, a thread
 * that never asks (`approval_policy = "never"`) declines it itself.
 */
async function forwardElicitation(thread: LoadedThread, serverName: string, request: ElicitRequest['params']): Promise<ElicitResult> {
  if (thread.approvalPolicy === 'never') return { action: 'decline' };
  if (!('requestedSchema' in request)) return { action: 'decline' };
  const active = turnStateOf(thread).active;
  const answer = await requestElicitation(
    thread,
    answeringClient(thread),
    {
      threadId: thread.id,
      turnId: active?.id ?? null,
      serverName,
      mode: 'form',
      _meta: (request._meta as Record<string, unknown> | undefined) ?? null,
      message: request.message,
      requestedSchema: request.requestedSchema as Record<string, unknown>,
    },
    active?.abort.signal,
  );
  return answer.action === 'accept' ? { action: 'accept', content: (answer.content ?? {}) as ElicitResult['content'] } : { action: answer.action };
}
