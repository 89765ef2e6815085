/**
 * `thread/backgroundTerminals/list|terminate|clean` (experimental): the thread's `exec_command`
 * sessions that are still running after their call returned (the ones `write_stdin` polls).
 * Kept apart from server/thread/ because the sessions live in the turn state (no import cycle).
 */
import type { NamespaceModule } from '../core/appServer';
import {
  ThreadBackgroundTerminalsCleanParams,
  ThreadBackgroundTerminalsListParams,
  ThreadBackgroundTerminalsTerminateParams,
  type ThreadBackgroundTerminal,
} from '../../protocol/thread';
import { decodeCursor, encodeCursor } from '../rpc/cursor';
import { threadManagerOf } from '../thread/manager';
import { turnStateOf } from '../turn/state';

const DEFAULT_PAGE = 100;
const isOffset = (value: unknown): value is { offset: number } =>
  typeof value === 'object' && value !== null && Number.isInteger((value as { offset: unknown }).offset) && (value as { offset: number }).offset >= 0;

export const backgroundTerminalsModule: NamespaceModule = (registry, server) => {
  const sessionsOf = (threadId: string) => turnStateOf(threadManagerOf(server).getLoaded(threadId)).execSessions;

  registry.register(
    'thread/backgroundTerminals/list',
    ThreadBackgroundTerminalsListParams,
    (params) => {
      const all: ThreadBackgroundTerminal[] = sessionsOf(params.threadId)
        .running()
        .map((session) => ({
          processId: String(session.id),
          itemId: session.itemId,
          command: session.command,
          cwd: session.process.spec.cwd,
          osPid: session.process.pid > 0 ? session.process.pid : null,
          cpuPercent: null,
          rssKb: null,
        }));
      const start = params.cursor ? decodeCursor(params.cursor, isOffset).offset : 0;
      const end = start + Math.max(1, params.limit ?? DEFAULT_PAGE);
      return { data: all.slice(start, end), nextCursor: end < all.length ? encodeCursor({ offset: end }) : null };
    },
    { experimental: true },
  );

  registry.register(
    'thread/backgroundTerminals/terminate',
    ThreadBackgroundTerminalsTerminateParams,
    async (params) => {
      const session = sessionsOf(params.threadId).get(Number(params.processId));
      if (!session || session.process.exited || String(session.id) !== params.processId) return { terminated: false };
      session.process.kill('SIGKILL');
      await session.process.waitForExitOrTimeout(1000);
      return { terminated: true };
    },
    { experimental: true },
  );

  registry.register(
    'thread/backgroundTerminals/clean',
    ThreadBackgroundTerminalsCleanParams,
    async (params) => {
      await sessionsOf(params.threadId).killAll();
      return {};
    },
    { experimental: true },
  );
};
