import type { ChannelLike } from './broadcast-lock.js';
import { openBroadcastChannel } from './tab-lock.js';
import type { AuthUser } from './types.js';

export const CHANNEL_NAME = 'tessera-auth';

/**
 * What tabs tell each other. A BroadcastChannel only reaches same-origin documents, which could read the
 * token from this tab's memory anyway, so sharing it there widens nothing.
 */
export type TabMessage =
  | { type: 'token'; accessToken: string; csrfToken: string | null; user: AuthUser | null }
  | { type: 'logout'; error?: string };

export interface TabSync {
  publish(message: TabMessage): void;
  close(): void;
}

/** Opens the `tessera-auth` channel; messages that do not have the expected shape are ignored. */
export function openTabSync(onMessage: (message: TabMessage) => void, open: (name: string) => ChannelLike = openBroadcastChannel): TabSync {
  const channel = open(CHANNEL_NAME);
  let closed = false;
  channel.addEventListener('message', (event) => {
    const message = parseTabMessage(event.data);
    if (message !== null && !closed) onMessage(message);
  });
  return {
    publish(message) {
      if (!closed) channel.postMessage({ tessera: 'auth', ...message });
    },
    close() {
      closed = true;
      channel.close();
    },
  };
}

export function parseTabMessage(data: unknown): TabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  if (message.tessera !== 'auth') return null;
  if (message.type === 'logout') return typeof message.error === 'string' ? { type: 'logout', error: message.error } : { type: 'logout' };
  if (message.type !== 'token' || typeof message.accessToken !== 'string') return null;
  return {
    type: 'token',
    accessToken: message.accessToken,
    csrfToken: typeof message.csrfToken === 'string' ? message.csrfToken : null,
    user: parseUser(message.user),
  };
}

function parseUser(value: unknown): AuthUser | null {
  if (typeof value !== 'object' || value === null) return null;
  const user = value as Record<string, unknown>;
  if (typeof user.id !== 'string' || typeof user.email !== 'string' || typeof user.createdAt !== 'string') return null;
  return { id: user.id, email: user.email, name: typeof user.name === 'string' ? user.name : null, createdAt: user.createdAt };
}
