import { createHash } from 'node:crypto';

/**
 * One renewal per refresh token at a time in this process: a page and its assets, or two tabs, arriving with
 * the same expiring cookies share one call to the auth server instead of racing N rotations. Requests that
 * arrive after it settled still carry the old token; the server's grace window answers those. Keys are hashes,
 * so the map never holds a usable token; an entry lives only while its call is in flight.
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  run(token: string, task: () => Promise<T>): Promise<T> {
    const key = createHash('sha256').update(token).digest('base64url');
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;
    const promise = task().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }
}
