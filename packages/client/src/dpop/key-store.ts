/**
 * Where the client keeps the key its sessions are bound to (DPoP, RFC 9449). The store holds `CryptoKey`
 * objects: a browser's IndexedDB keeps them as they are, so the private key is usable by this origin and never
 * readable, not even by the page that made it.
 */
export interface DpopKeyStore {
  /** The key saved last, or null. Throws when the store cannot be used at all (then sessions stay Bearer). */
  load(): Promise<CryptoKeyPair | null>;
  /** Replaces the saved key; resolves once it is durably stored. */
  save(keys: CryptoKeyPair): Promise<void>;
  remove(): Promise<void>;
  /**
   * Whether keys made for this store must be exportable: only a store that writes the key out itself (a file, a
   * platform key chain taking JWKs) needs it. Default false: the private key can sign and nothing else.
   */
  readonly extractable?: boolean;
}

/** A key that lives as long as the process: for Node scripts and tests whose refresh token is in memory too. */
export function memoryDpopKeys(): DpopKeyStore {
  let held: CryptoKeyPair | null = null;
  return {
    load: async () => held,
    save: async (keys) => {
      held = keys;
    },
    remove: async () => {
      held = null;
    },
  };
}

const DATABASE = 'tessera-dpop';
const OBJECTS = 'keys';

/**
 * The browser's store: one IndexedDB database, `tessera-dpop`, with the key pair under `name`. It survives
 * reloads and restarts like the refresh cookie does, and is shared by every tab of the origin. Rejects (so the
 * client falls back to Bearer sessions) where IndexedDB is missing or refused, as in some private modes.
 */
export function indexedDbDpopKeys(name = 'default'): DpopKeyStore {
  let opening: Promise<IDBDatabase> | null = null;

  function open(): Promise<IDBDatabase> {
    if (opening !== null) return opening;
    opening = new Promise<IDBDatabase>((resolve, reject) => {
      const factory = globalThis.indexedDB;
      if (factory === undefined) return reject(new Error('IndexedDB is not available here.'));
      const request = factory.open(DATABASE, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(OBJECTS)) request.result.createObjectStore(OBJECTS);
      };
      request.onsuccess = () => {
        const db = request.result;
        // A later version opened elsewhere (another build of the app) must not be blocked by this tab.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error ?? new Error('IndexedDB refused to open.'));
      request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab.'));
    });
    opening.catch(() => {
      opening = null;
    });
    return opening;
  }

  async function run<T>(mode: IDBTransactionMode, work: (objects: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(OBJECTS, mode);
      const request = work(transaction.objectStore(OBJECTS));
      // Resolved on complete, not on the request's success: only then is a write durable.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? request.error ?? new Error('IndexedDB transaction failed.'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted.'));
    });
  }

  return {
    load: async () => {
      const value: unknown = await run('readonly', (objects) => objects.get(name));
      return isKeyPair(value) ? value : null;
    },
    save: async (keys) => {
      await run('readwrite', (objects) => objects.put({ privateKey: keys.privateKey, publicKey: keys.publicKey }, name));
    },
    remove: async () => {
      await run('readwrite', (objects) => objects.delete(name));
    },
  };
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  if (typeof value !== 'object' || value === null) return false;
  const { privateKey, publicKey } = value as Partial<CryptoKeyPair>;
  return typeof CryptoKey !== 'undefined' && privateKey instanceof CryptoKey && publicKey instanceof CryptoKey;
}
