import { createAuth, deriveKeys, importSigningKey, KeyRing, type Auth } from '@tessera/core';
import { createSqlStores, type SqlStores } from '@tessera/store-sql';
import { ConfigError, type ServerConfig } from './config.js';
import { loadOrCreateSecret } from './secret-file.js';

export interface Runtime {
  config: ServerConfig;
  stores: SqlStores;
  keys: KeyRing;
  auth: Auth;
  close(): Promise<void>;
}

/**
 * Opens everything a Tessera process needs from a checked configuration: the secret, the stores (running
 * migrations), the key ring and the auth core. Shared by `tessera serve` and the CLI's other commands.
 */
export async function openRuntime(config: ServerConfig, options: { now?: () => number } = {}): Promise<Runtime> {
  const now = options.now ?? Date.now;
  const secret = config.secret ?? loadOrCreateSecret(config.dataDir).secret;
  const derived = deriveKeys(secret);
  let configuredKey;
  if (config.signingKey !== null) {
    try {
      configuredKey = importSigningKey(config.signingKey, config.signingAlg);
    } catch (error) {
      throw new ConfigError(`TESSERA_SIGNING_KEY cannot be used: ${(error as Error).message}`);
    }
  }
  const stores = await createSqlStores(config.databaseUrl);
  try {
    const keys = await KeyRing.load(stores.keys, {
      alg: config.signingAlg,
      encryptionKey: derived.keyEncryption,
      hs256Key: derived.hs256,
      ...(configuredKey ? { configuredKey } : {}),
      accessTtlSeconds: config.accessTtlSeconds,
      now,
    });
    const auth = await createAuth({
      stores,
      keys,
      derived,
      now,
      settings: {
        issuer: config.issuer,
        audience: config.audience,
        accessTtlSeconds: config.accessTtlSeconds,
        refreshTtlSeconds: config.refreshTtlSeconds,
        sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
        refreshGraceSeconds: config.refreshGraceSeconds,
        clockToleranceSeconds: config.clockToleranceSeconds,
      },
    });
    return { config, stores, keys, auth, close: () => stores.close() };
  } catch (error) {
    await stores.close();
    throw error;
  }
}
