/**
 * Notification fixtures for the extension's view models. Tests feed models partial payloads
 * (only the fields a model reads) or messages recorded from a real server, so the typed
 * contract is loosened here, in one place.
 */
import type { NotificationArgs } from '../../protocol';

export function note(method: string, params: unknown): NotificationArgs {
  return [method, params] as NotificationArgs;
}
