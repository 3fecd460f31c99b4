import { describe, expect, it } from 'vitest';
import { TEST_SECRET as SECRET } from '@tessera/testing';
import { ConfigError, loadConfig } from './config.js';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env, '/tmp');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:/srv/app/data/tessera.db',
      issuer: 'http://localhost:3000',
      audience: ['tessera'],
      accessTtlSeconds: 900,
      refreshTtlSeconds: 14 * 86400,
      refreshGraceSeconds: 10,
      clockToleranceSeconds: 5,
      signingAlg: 'ES256',
      corsOrigins: [],
      rateLimit: true,
      dpop: 'optional',
      dpopNonce: false,
      trustProxy: null,
      secret: null,
      demoNumberUrl: null,
    });
    expect(loadConfig({ PORT: '0' }, '/tmp').issuer).toBe('http://localhost:0');
    expect(loadConfig({ TESSERA_DEMO_NUMBER_URL: 'http://localhost:4000/getnumber' }, '/tmp').demoNumberUrl).toBe('http://localhost:4000/getnumber');
  });

  it.each([
    [{ TESSERA_SECRET: 'too short' }, /TESSERA_SECRET/],
    [{ TESSERA_SIGNING_ALG: 'none' }, /TESSERA_SIGNING_ALG.*ES256, EdDSA, RS256, HS256/],
    [{ TESSERA_ACCESS_TTL: '15 minutes' }, /TESSERA_ACCESS_TTL.*duration/],
    [{ TESSERA_REFRESH_TTL: '-1d' }, /TESSERA_REFRESH_TTL/],
    [{ TESSERA_CLOCK_TOLERANCE: '2m' }, /TESSERA_CLOCK_TOLERANCE.*at most 60s/],
    [{ TESSERA_DATABASE_URL: 'oracle://db' }, /TESSERA_DATABASE_URL/],
    [{ TESSERA_DATABASE_URL: 'sqlite:' }, /TESSERA_DATABASE_URL/],
    [{ TESSERA_DATABASE_URL: 'mysql://' }, /TESSERA_DATABASE_URL/],
    [{ TESSERA_REDIS_URL: 'http://cache' }, /TESSERA_REDIS_URL.*redis:/],
    [{ TESSERA_ISSUER: 'not a url' }, /TESSERA_ISSUER/],
    [{ TESSERA_CORS_ORIGINS: '*' }, /TESSERA_CORS_ORIGINS/],
    [{ TESSERA_CORS_ORIGINS: 'https://app.example/path' }, /TESSERA_CORS_ORIGINS.*bare origin/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ TESSERA_DEMO_NUMBER_URL: 'localhost:4000/getnumber' }, /^TESSERA_DEMO_NUMBER_URL must start with http:\/\/ or https:\/\/; it starts with localhost:\.$/],
    [{ TESSERA_DEMO_NUMBER_URL: '/getnumber' }, /^TESSERA_DEMO_NUMBER_URL="\/getnumber" is not a URL/],
    [{ TESSERA_RATE_LIMIT: 'maybe' }, /TESSERA_RATE_LIMIT/],
    [{ TESSERA_DPOP: 'sometimes' }, /^TESSERA_DPOP="sometimes" must be off, optional or required\.$/],
    [{ TESSERA_DPOP_NONCE: 'yes' }, /^TESSERA_DPOP_NONCE="yes" must be on or off\.$/],
    [{ TESSERA_DPOP_NONCE: 'on', TESSERA_DPOP: 'off' }, /^TESSERA_DPOP_NONCE=on needs DPoP proofs, but TESSERA_DPOP=off ignores them; set TESSERA_DPOP to optional or required, or unset TESSERA_DPOP_NONCE\.$/],
    [{ TESSERA_TRUST_PROXY: 'yes' }, /TESSERA_TRUST_PROXY/],
    [{ TESSERA_ACCESS_TTL: '14d', TESSERA_REFRESH_TTL: '1h' }, /TESSERA_ACCESS_TTL must be shorter/],
  ])('refuses %o with a sentence naming the variable', (env, pattern) => {
    expect(refusal(env)).toMatch(pattern);
  });

  it('in production: refuses to start without a secret, with an http issuer, or with rate limits off', () => {
    expect(refusal({ NODE_ENV: 'production', TESSERA_ISSUER: 'https://auth.example' })).toMatch(/TESSERA_SECRET is required/);
    expect(refusal({ NODE_ENV: 'production', TESSERA_SECRET: SECRET })).toMatch(/https:\/\//);
    expect(refusal({ NODE_ENV: 'production', TESSERA_SECRET: SECRET, TESSERA_ISSUER: 'https://auth.example', TESSERA_RATE_LIMIT: 'off' })).toMatch(/refused/);
    expect(loadConfig({ NODE_ENV: 'production', TESSERA_SECRET: SECRET, TESSERA_ISSUER: 'https://auth.example' }, '/tmp').production).toBe(true);
  });

  it('in production with nothing set: names every missing setting in one refusal, not one per start', () => {
    expect(refusal({ NODE_ENV: 'production', TESSERA_RATE_LIMIT: 'off' })).toBe(
      'NODE_ENV=production needs 3 settings fixed:\n' +
        '- TESSERA_ISSUER is required when NODE_ENV=production: set it to the https:// URL clients reach this server at.\n' +
        '- TESSERA_SECRET is required when NODE_ENV=production; generate one with "npx tessera secret".\n' +
        '- TESSERA_RATE_LIMIT=off is refused when NODE_ENV=production; limits protect logins from guessing.',
    );
  });

  it('serves the demo unless TESSERA_DEMO=off; in production it is off unless switched on', () => {
    expect(loadConfig({}, '/tmp').demo).toBe(true);
    expect(loadConfig({ TESSERA_DEMO: 'off' }, '/tmp').demo).toBe(false);
    const production = { NODE_ENV: 'production', TESSERA_SECRET: SECRET, TESSERA_ISSUER: 'https://auth.example' };
    expect(loadConfig(production, '/tmp').demo).toBe(false);
    expect(loadConfig({ ...production, TESSERA_DEMO: 'on' }, '/tmp').demo).toBe(true);
    expect(refusal({ TESSERA_DEMO: 'maybe' })).toBe('TESSERA_DEMO="maybe" must be on or off.');
  });

  it.each([['secretsecretsecretsecretsecretse'], ['a'.repeat(32)], ['0'.repeat(64)], ['my-super-secret-jwt-signing-key-123'], ['Tr0ub4dor&3Tr0ub4dor&3Tr0ub4dor&3']])(
    'refuses the guessable TESSERA_SECRET %s in one sentence that says what to run',
    (secret) => {
      expect(refusal({ TESSERA_SECRET: secret })).toMatch(/^TESSERA_SECRET is too easy to guess \([a-z ,]+: about \d+ bits where 112 are needed\); run "npx tessera secret" for a random one\.$/);
      expect(refusal({ NODE_ENV: 'production', TESSERA_ISSUER: 'https://auth.example', TESSERA_SECRET: secret })).toMatch(/^TESSERA_SECRET is too easy to guess/);
    },
  );

  it('takes what "npx tessera secret" prints: 64 hex characters as 32 bytes', () => {
    expect(loadConfig({ TESSERA_SECRET: SECRET }, '/tmp').secret).toEqual(Buffer.from(SECRET, 'hex'));
  });

  it('keeps the generated secret beside the SQLite file, whatever the working directory', () => {
    expect(loadConfig({}, '/srv/app')).toMatchObject({ databaseUrl: 'sqlite:/srv/app/data/tessera.db', dataDir: '/srv/app/data' });
    for (const cwd of ['/srv/app', '/home/ann']) {
      expect(loadConfig({ TESSERA_DATABASE_URL: 'sqlite:/var/lib/tessera/auth.db' }, cwd)).toMatchObject({ databaseUrl: 'sqlite:/var/lib/tessera/auth.db', dataDir: '/var/lib/tessera' });
    }
    // A relative path means the same file for the store and the secret: both against the given directory.
    expect(loadConfig({ TESSERA_DATABASE_URL: 'sqlite:db/auth.db' }, '/srv/app')).toMatchObject({ databaseUrl: 'sqlite:/srv/app/db/auth.db', dataDir: '/srv/app/db' });
    expect(loadConfig({ TESSERA_DATABASE_URL: 'sqlite:/var/lib/tessera/auth.db', TESSERA_DATA_DIR: 'keep' }, '/srv/app').dataDir).toBe('/srv/app/keep');
    expect(loadConfig({ TESSERA_DATABASE_URL: 'sqlite::memory:' }, '/srv/app').dataDir).toBeNull();
    expect(loadConfig({ TESSERA_SECRET: SECRET }, '/srv/app').dataDir).toBeNull();
  });

  it('keeps the generated secret of a PostgreSQL or MySQL database in ./data, or TESSERA_DATA_DIR', () => {
    for (const url of ['postgres://tessera@db.internal/auth', 'mysql://root@127.0.0.1:3306/test']) {
      expect(loadConfig({ TESSERA_DATABASE_URL: url }, '/srv/app')).toMatchObject({ databaseUrl: url, dataDir: '/srv/app/data' });
      expect(loadConfig({ TESSERA_DATABASE_URL: url, TESSERA_DATA_DIR: '/etc/tessera' }, '/tmp').dataDir).toBe('/etc/tessera');
    }
  });

  it('never echoes the secret in its refusal', () => {
    const message = refusal({ TESSERA_SECRET: 'hunter2-short' });
    expect(message).not.toContain('hunter2');
  });
});
