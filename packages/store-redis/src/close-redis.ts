import type { Redis } from 'ioredis';

/** Closes a connection politely when it is up, and at once when it is not. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    if (redis.status === 'ready') {
      await redis.quit();
      return;
    }
  } catch {
    // fall through: drop the socket
  }
  redis.disconnect();
}
