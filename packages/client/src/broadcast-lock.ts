/** Runs one task at a time across every tab of the origin (or, without tabs, in this client). */
export interface TabLock {
  run<T>(task: () => Promise<T>): Promise<T>;
  /**
   * Called by the holder, before it lets go: leaves a note, readable by whoever holds the lock next, that the
   * access token with this `jti` has been replaced (and the new one shared). Only Web Locks can carry it.
   */
  noteReplaced(tokenId: string): Promise<void>;
  /** The `jti`s other tabs' notes name right now; null where notes cannot be kept. */
  notes(): Promise<ReadonlySet<string> | null>;
  close(): void;
}

/** The part of `BroadcastChannel` the tab code uses; Node's and the browsers' both fit. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface BroadcastLockOptions {
  /** Milliseconds; orders competing claims across tabs, so every tab should read the same wall clock. */
  now: () => number;
  /** How long to listen for competing claims before taking the lock. Default 50 ms. */
  settleMs?: number;
  /** A claim that blocks this long is treated as a closed tab and ignored. Default 10 s. */
  staleMs?: number;
  newId?: () => string;
}

interface Claim {
  id: string;
  at: number;
  held: boolean;
}
type LockMessage = Claim & { tessera: 'lock'; op: 'want' | 'here' | 'release' };

/**
 * The fallback when Web Locks are missing: a lock negotiated over a BroadcastChannel. A tab announces a claim
 * (`want`), listens for `settleMs`, and goes first when no tab holds the lock and no earlier claim (by time,
 * then id) is pending; tabs already waiting or holding answer a `want` with `here`, so a newcomer learns about
 * them. Best effort by nature — a message slower than `settleMs` can let two tabs in — which is fine here:
 * the server's grace window already makes concurrent refreshes safe; the lock only makes them rare.
 */
export function createBroadcastLock(channel: ChannelLike, options: BroadcastLockOptions): TabLock {
  const settleMs = options.settleMs ?? 50;
  const staleMs = options.staleMs ?? 10_000;
  const newId = options.newId ?? randomId;
  const others = new Map<string, Claim>();
  let mine: Claim | null = null;
  let wake: (() => void) | null = null;
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  const post = (op: LockMessage['op'], claim: Claim) => {
    if (!closed) channel.postMessage({ tessera: 'lock', op, id: claim.id, at: claim.at, held: claim.held } satisfies LockMessage);
  };
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };

  channel.addEventListener('message', (event) => {
    const message = parseLockMessage(event.data);
    if (message === null || message.id === mine?.id) return;
    if (message.op === 'release') others.delete(message.id);
    else others.set(message.id, { id: message.id, at: message.at, held: message.held });
    if (message.op === 'want' && mine !== null) post('here', mine);
    notify();
  });

  /** The claim this tab must wait for: a holder, else the earliest claim ahead of ours. */
  function blocker(claim: Claim): Claim | undefined {
    let first: Claim | undefined;
    for (const other of others.values()) {
      if (other.held) return other;
      if (other.at < claim.at || (other.at === claim.at && other.id < claim.id)) {
        if (first === undefined || other.at < first.at || (other.at === first.at && other.id < first.id)) first = other;
      }
    }
    return first;
  }

  async function acquire(): Promise<void> {
    const claim: Claim = { id: newId(), at: options.now(), held: false };
    mine = claim;
    post('want', claim);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    let staleTimer: ReturnType<typeof setTimeout> | undefined;
    let watching: string | null = null;
    try {
      for (let ahead = blocker(claim); ahead !== undefined && !closed; ahead = blocker(claim)) {
        if (watching !== ahead.id) {
          // A tab closed mid-refresh never releases; stop waiting for it after a while.
          clearTimeout(staleTimer);
          const id = (watching = ahead.id);
          staleTimer = setTimeout(() => {
            others.delete(id);
            notify();
          }, staleMs);
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      clearTimeout(staleTimer);
    }
    claim.held = true;
    post('here', claim);
  }

  function release(): void {
    if (mine !== null) post('release', mine);
    mine = null;
  }

  return {
    noteReplaced: () => Promise.resolve(),
    notes: () => Promise.resolve(null),
    run<T>(task: () => Promise<T>): Promise<T> {
      // Within this client, tasks queue up; across tabs, the claims above decide.
      const result = tail.then(async () => {
        await acquire();
        try {
          return await task();
        } finally {
          release();
        }
      });
      tail = result.catch(() => undefined);
      return result;
    },
    close(): void {
      release();
      closed = true;
      notify();
      channel.close();
    },
  };
}

function parseLockMessage(data: unknown): LockMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Partial<LockMessage>;
  if (message.tessera !== 'lock' || typeof message.id !== 'string' || typeof message.at !== 'number') return null;
  if (message.op !== 'want' && message.op !== 'here' && message.op !== 'release') return null;
  return { tessera: 'lock', op: message.op, id: message.id, at: message.at, held: message.held === true };
}

function randomId(): string {
  const uuid = globalThis.crypto?.randomUUID?.();
  return uuid ?? `${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}
