import { toStoreError } from './errors.js';
import { subscribeRevocationFeed, type RevocationFeedOptions } from './subscribe-revocation-feed.js';

export type { RevocationFeedOptions } from './subscribe-revocation-feed.js';

export interface RevocationFeed {
  close(): Promise<void>;
}

/**
 * The server's way into the revocation feed (see `subscribeRevocationFeed`): resolves once the first resync is
 * done, so that the server starts knowing every revocation of the last `keepMs`; rejects with
 * TesseraError('unavailable') when Redis can't be reached at start, instead of starting blind.
 */
export async function createRevocationFeed(options: RevocationFeedOptions): Promise<RevocationFeed> {
  let failStart: (error: unknown) => void = () => {};
  const startFailed = new Promise<never>((_resolve, reject) => {
    failStart = reject;
  });
  const feed = subscribeRevocationFeed({
    ...options,
    onError: (error) => {
      options.onError?.(error);
      if (!feed.synced) failStart(error);
    },
  });
  try {
    await Promise.race([feed.firstSync, startFailed]);
  } catch (error) {
    await feed.close();
    throw toStoreError(error);
  }
  return { close: () => feed.close() };
}
