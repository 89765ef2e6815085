/**
 * Logging goes to stderr only: on the stdio transport, stdout carries protocol.
 * Level from CODEX_LOG (error|warn|info|debug), default info.
 */
const levels = ['error', 'warn', 'info', 'debug'] as const;
type Level = (typeof levels)[number];
const threshold = Math.max(0, levels.indexOf((process.env.CODEX_LOG as Level) ?? 'info'));

function emit(level: Level, args: unknown[]): void {
  if (levels.indexOf(level) > threshold) return;
  const text = args
    .map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a)))
    .join(' ');
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${text}\n`);
}

export const log = {
  error: (...args: unknown[]) => emit('error', args),
  warn: (...args: unknown[]) => emit('warn', args),
  info: (...args: unknown[]) => emit('info', args),
  debug: (...args: unknown[]) => emit('debug', args),
};
