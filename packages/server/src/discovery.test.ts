import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { PASSWORD, TEST_SECRET } from '../test/harness.js';
import { startServer, type RunningServer } from './node/serve.js';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(env: Record<string, string> = {}): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-discovery-'));
  const config = loadConfig({ PORT: '0', TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_SECRET: TEST_SECRET, TESSERA_RATE_LIMIT: 'off', ...env }, dataDir);
  const server = await startServer(config, { log: () => {}, onEvent: () => {} });
  running.push(server);
  return server.url;
}

/** What an OAuth / OpenID client library does with an issuer: fetch and validate its metadata (oauth4webapi). */
async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  const response = await oauth.discoveryRequest(url, { algorithm: 'oidc', [oauth.allowInsecureRequests]: true });
  return oauth.processDiscoveryResponse(url, response);
}

describe('GET /.well-known/openid-configuration, on a real listener', () => {
  it('passes a standard client library (oauth4webapi), and its jwks_uri verifies an issued token', async () => {
    const issuer = await start();
    const metadata = await discover(issuer);
    expect(metadata.issuer).toBe(issuer);
    const signup = await fetch(`${issuer}/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ann@example.test', password: PASSWORD }) });
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const { protectedHeader } = await jwtVerify(accessToken, createRemoteJWKSet(new URL(metadata.jwks_uri!)), { issuer: metadata.issuer, audience: 'tessera' });
    expect(metadata.id_token_signing_alg_values_supported).toContain(protectedHeader.alg);
  });

  it('has every member OpenID Connect Discovery §3 requires of what Tessera does, RS256 among the algorithms', async () => {
    const metadata = await discover(await start());
    expect(metadata).toEqual({
      issuer: expect.any(String),
      jwks_uri: `${metadata.issuer}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      subject_types_supported: ['public'],
      response_types_supported: [],
      grant_types_supported: [],
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256'],
    });
  });

  it('advertises no endpoint that does not work: no token endpoint, no OAuth grants', async () => {
    // A client following the old document posted grant_type=refresh_token, form-encoded, to /auth/refresh: 415.
    const metadata = await discover(await start());
    const endpoints = Object.keys(metadata).filter((member) => member.endsWith('_endpoint') || member.endsWith('_uri'));
    expect(endpoints).toEqual(['jwks_uri']);
    const jwks = await fetch(metadata.jwks_uri!);
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  });

  it('lists the algorithms of the published keys, then RS256; HS256 publishes no key, so only RS256', async () => {
    expect((await discover(await start({ TESSERA_SIGNING_ALG: 'EdDSA' }))).id_token_signing_alg_values_supported).toEqual(['EdDSA', 'RS256']);
    expect((await discover(await start({ TESSERA_SIGNING_ALG: 'RS256' }))).id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect((await discover(await start({ TESSERA_SIGNING_ALG: 'HS256' }))).id_token_signing_alg_values_supported).toEqual(['RS256']);
  });
});
