/**
 * Security regressions: one case per attack. Each builds a token whose only fault is the attack (signed with
 * our own key where that isolates the check) and asserts the exact code and the reason, so removing the check
 * that stops it makes the case fail; where useful, the same token without the attack is shown to pass.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { TokenFailureReason } from '../errors.js';
import { refusal } from '../../test/helpers.js';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../keys/generate.js';
import { publicJwk } from '../keys/public-jwk.js';
import { createSignature } from './signature.js';
import type { AccessTokenVerifierOptions, SigningKey, VerificationKey } from './types.js';
import { createAccessTokenVerifier } from './verify.js';

const ISS = 'https://auth.example';
const AUD = 'tessera';
const NOW_S = Date.UTC(2025, 0, 1, 12) / 1000;
const es = generateSigningKey('ES256');
const rs = generateSigningKey('RS256');
const attacker = generateSigningKey('ES256');
const keys = new Map<string, VerificationKey>([es, rs].map((k) => [k.kid, { kid: k.kid, alg: k.alg, key: k.publicKey }]));

const clock = { ms: NOW_S * 1000 };
const verifier = (over: Partial<AccessTokenVerifierOptions> = {}) =>
  createAccessTokenVerifier({ issuer: ISS, audience: AUD, resolveKey: (kid) => keys.get(kid), now: () => clock.ms, cacheSize: 0, ...over });
const verify = verifier();

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const json = (value: unknown) => b64(JSON.stringify(value));
const claims = (over: Record<string, unknown> = {}) => ({ iss: ISS, aud: AUD, sub: 'user-1', sid: 'session-1', jti: 'jti-1', iat: NOW_S, exp: NOW_S + 900, roles: ['user'], ...over });
const header = (key: SigningKey = es, over: Record<string, unknown> = {}) => ({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...over });
/** Signs the exact segment text given, so a test can sign a respelled segment. */
const signSegments = (h: string, p: string, key: SigningKey = es) => `${h}.${p}.${createSignature(key, `${h}.${p}`).toString('base64url')}`;
const forge = (h: object = header(), p: object = claims(), key: SigningKey = es) => signSegments(json(h), json(p), key);

/** Refused as invalid_token by the check named `reason` (the field programs branch on), with a sentence that says so. */
function expectInvalid(token: string, reason: TokenFailureReason | readonly TokenFailureReason[], sentence: RegExp, v = verify): void {
  const error = refusal(() => v(token));
  expect(error.code).toBe('invalid_token');
  expect(typeof reason === 'string' ? [reason] : reason).toContain(error.reason);
  expect(error.message).toMatch(sentence);
  expect(error.message).not.toContain(token.slice(0, 20));
}
const expectValid = (token: string, v = verify) => expect(v(token).sub).toBe('user-1');

describe('access token attacks', () => {
  it('control: a well-formed token passes', () => expectValid(forge()));

  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s, unsigned (empty signature)', (alg) => {
    expect(refusal(() => verify(`${json(header(es, { alg }))}.${json(claims())}.`)).code).toBe('invalid_token');
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s, with a signature that is otherwise valid for our key', (alg) => {
    expectInvalid(forge(header(es, { alg })), 'alg_mismatch', /alg does not match/);
    const [h, p] = forge(header(es, { alg })).split('.') as [string, string];
    expectInvalid(`${h}.${p}.${b64(Buffer.alloc(64, 7))}`, 'alg_mismatch', /alg does not match/);
  });

  const publicSecrets = (key: SigningKey): [string, Buffer | string][] => [
    ['PEM text', key.publicKey.export({ format: 'pem', type: 'spki' }).toString()],
    ['DER bytes', key.publicKey.export({ format: 'der', type: 'spki' })],
    ['JWK JSON text', JSON.stringify(publicJwk(key))],
  ];
  it.each([es, rs].flatMap((key) => publicSecrets(key).map(([form, secret]) => [key.alg, form, key, secret] as const)))(
    'HS256 signed with our %s public key (%s) as the HMAC secret',
    (_alg, _form, key, secret) => {
      const h = json(header(key, { alg: 'HS256' }));
      const p = json(claims());
      expectInvalid(`${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`, 'alg_mismatch', /alg does not match/);
      expectValid(forge(header(key), claims(), key));
    },
  );

  it('a public key mis-registered as an HS256 key is never used as an HMAC secret', () => {
    const pem = es.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const v = verifier({ resolveKey: (kid) => (kid === es.kid ? { kid, alg: 'HS256', key: es.publicKey } : undefined) });
    const h = json(header(es, { alg: 'HS256' }));
    const p = json(claims());
    expectInvalid(`${h}.${p}.${createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')}`, 'unusable_key', /does not fit its algorithm/, v);
  });

  it('embedded jwk header carrying the attacker key', () => {
    expectInvalid(forge(header(es, { jwk: publicJwk(attacker) }), claims(), attacker), 'forbidden_header', /"jwk"/);
  });
  it.each(['jku', 'x5u'])('%s header pointing at an attacker URL', (member) => {
    expectInvalid(forge(header(es, { [member]: 'https://evil.example/keys' })), 'forbidden_header', new RegExp(`"${member}"`));
  });
  it('x5c header carrying an attacker certificate chain', () => {
    expectInvalid(forge(header(es, { x5c: ['MIIBszCCAVmgAwIBAgIUQ'] }), claims(), attacker), 'forbidden_header', /"x5c"/);
  });

  it.each(['../../etc/passwd', "' OR 1=1 --", 'unknown-kid', '__proto__', 'constructor'])('kid %j', (kid) => {
    expectInvalid(forge(header(es, { kid })), 'unknown_kid', /kid does not name a current key/);
  });
  it.each([
    ['a number', 123, '123'],
    ['an object', {}, '[object Object]'],
  ] as const)('kid that is %s, against a resolver that would coerce it', (_what, kid, coerced) => {
    const careless = verifier({ resolveKey: (k) => (String(k) === coerced ? { kid: coerced, alg: 'ES256', key: es.publicKey } : undefined) });
    expectInvalid(forge(header(es, { kid })), 'malformed', /kid is missing or not a string/, careless);
    expectValid(forge(header(es, { kid: coerced })), careless);
  });

  it('ECDSA r = s = 0 (64 zero bytes, CVE-2022-21449)', () => {
    const [h, p] = forge().split('.') as [string, string];
    expectInvalid(`${h}.${p}.${b64(Buffer.alloc(64))}`, 'bad_signature', /signature is invalid/);
  });
  it('DER-encoded ES256 signature of the right data', () => {
    const [h, p] = forge().split('.') as [string, string];
    const der = sign('sha256', Buffer.from(`${h}.${p}`), { key: es.privateKey, dsaEncoding: 'der' });
    expectInvalid(`${h}.${p}.${b64(der)}`, 'bad_signature', /wrong length/);
  });
  it('signature stripped (empty third segment)', () => {
    const [h, p] = forge().split('.') as [string, string];
    expectInvalid(`${h}.${p}.`, 'malformed', /no signature/);
  });
  it('signature truncated', () => {
    const token = forge();
    expectInvalid(token.slice(0, -3), ['bad_signature', 'malformed'], /wrong length|not canonical/);
    expectInvalid(token.slice(0, -2), 'bad_signature', /wrong length/);
  });
  it('signature taken from another valid token', () => {
    const [h, p] = forge().split('.') as [string, string];
    const other = forge(header(), claims({ sub: 'admin' })).split('.')[2] ?? '';
    expectInvalid(`${h}.${p}.${other}`, 'bad_signature', /signature is invalid/);
  });

  /** Segments whose spelling can be altered every way: length % 4 ∈ {2, 3} and at least one '-' or '_'. */
  function malleable(): [string, string, string] {
    for (let n = 6; ; n++) {
      const h = json(header(es, { pad: '~'.repeat(n) }));
      const p = json(claims({ pad: '?'.repeat(n) }));
      const s = signSegments(h, p).split('.')[2] ?? '';
      const ok = (x: string) => x.length % 4 >= 2 && /[-_]/.test(x);
      if (ok(h) && ok(p) && ok(s)) return [h, p, s];
    }
  }
  const respell: Record<string, (segment: string) => string> = {
    'padding "="': (x) => x + (x.length % 4 === 2 ? '==' : '='),
    'a space': (x) => `${x.slice(0, 5)} ${x.slice(5)}`,
    'a newline': (x) => `${x.slice(0, 5)}\n${x.slice(5)}`,
    '"+" / "/" for "-" / "_"': (x) => x.replace(/[-_]/, (c) => (c === '-' ? '+' : '/')),
    'flipped trailing bits': (x) => x.slice(0, -1) + (ALPHABET[ALPHABET.indexOf(x.slice(-1)) ^ 1] ?? ''),
  };
  it.each((['header', 'payload', 'signature'] as const).flatMap((segment) => Object.keys(respell).map((how) => [segment, how] as const)))(
    '%s segment respelled with %s (decodes to the same bytes)',
    (segment, how) => {
      const parts = malleable();
      const index = ['header', 'payload', 'signature'].indexOf(segment);
      const original = parts[index] ?? '';
      const changed = (respell[how] as (x: string) => string)(original);
      expect(Buffer.from(changed, 'base64url').equals(Buffer.from(original, 'base64url'))).toBe(true);
      parts[index] = changed;
      const token = segment === 'signature' ? parts.join('.') : signSegments(parts[0], parts[1]);
      expectInvalid(token, 'malformed', new RegExp(`${segment} is not canonical base64url`));
      expectValid(signSegments(...(malleable().slice(0, 2) as [string, string])));
    },
  );

  it.each([['header', 0], ['payload', 1]] as const)('%s segment with one dangling character (length % 4 === 1, dropped by lenient decoders)', (_segment, index) => {
    for (let n = 0; ; n++) {
      const parts = [json(header(es, { pad: 'x'.repeat(n) })), json(claims({ pad: 'y'.repeat(n) }))];
      if ((parts[index] ?? '').length % 4 !== 0) continue;
      const changed = `${parts[index] ?? ''}A`;
      expect(Buffer.from(changed, 'base64url').equals(Buffer.from(parts[index] ?? '', 'base64url'))).toBe(true);
      parts[index] = changed;
      expectInvalid(signSegments(parts[0] ?? '', parts[1] ?? ''), 'malformed', /is not canonical base64url/);
      return;
    }
  });

  it('JWS JSON serialization instead of compact', () => {
    const [h, p, s] = forge().split('.') as [string, string, string];
    expectInvalid(JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] }), 'malformed', /not a compact JWS/);
    expectInvalid(JSON.stringify({ payload: p, protected: h, signature: s }), 'malformed', /not a compact JWS/);
  });
  it('a five-segment JWE', () => {
    expectInvalid([json({ alg: 'dir', enc: 'A256GCM', kid: es.kid }), '', b64('iv-iv-iv-iv'), b64('ciphertext'), b64('tag-tag-tag-tag')].join('.'), 'malformed', /not a compact JWS/);
  });

  it('unknown crit extension', () => expectInvalid(forge(header(es, { crit: ['exp'], exp: 1 })), 'forbidden_header', /"crit"/));
  it('b64: false (unencoded payload)', () => expectInvalid(forge(header(es, { b64: false })), 'forbidden_header', /"b64"/));

  it('missing exp', () => expectInvalid(forge(header(), claims({ exp: undefined })), 'missing_claim', /no numeric exp/));
  it('iat in the future (beyond tolerance)', () => {
    expectInvalid(forge(header(), claims({ iat: NOW_S + 6 })), 'issued_in_future', /iat is in the future/);
    expectValid(forge(header(), claims({ iat: NOW_S + 5 })));
  });
  it('nbf in the future (beyond tolerance)', () => {
    expectInvalid(forge(header(), claims({ nbf: NOW_S + 6 })), 'not_yet_valid', /nbf is in the future/);
    expectValid(forge(header(), claims({ nbf: NOW_S + 5 })));
  });
  it('wrong iss', () => expectInvalid(forge(header(), claims({ iss: 'https://evil.example' })), 'wrong_issuer', /not issued by this issuer/));
  it('wrong aud', () => expectInvalid(forge(header(), claims({ aud: 'billing' })), 'wrong_audience', /another audience/));
  it('array aud, even one containing our audience', () => {
    expectInvalid(forge(header(), claims({ aud: [AUD] })), 'wrong_audience', /aud is not a single string/);
    expectInvalid(forge(header(), claims({ aud: [AUD, 'billing'] })), 'wrong_audience', /aud is not a single string/);
  });
  it.each([['JWT'], ['AT+JWT'], ['application/at+jwt'], [undefined]])('typ %s', (typ) => {
    expectInvalid(forge(header(es, { typ })), 'wrong_type', /typ is not "at\+jwt"/);
  });

  it('a refresh-token-shaped string as the access token', () => {
    expectInvalid(`${'A'.repeat(22)}.${'b'.repeat(64)}`, 'malformed', /not a compact JWS/);
  });
  it('a 20 KB header', () => {
    const big = forge(header(es, { pad: 'x'.repeat(20_000) }));
    expectInvalid(big, 'too_long', /longer than the allowed maximum/);
    expectValid(big, verifier({ maxTokenLength: 100_000 }));
  });
  it('deeply nested JSON in the header and in the (signed) payload', () => {
    const roomy = verifier({ maxTokenLength: 1_000_000 });
    const deep = b64('['.repeat(100_000));
    expectInvalid(`${deep}.${json(claims())}.${b64(Buffer.alloc(64))}`, 'malformed', /header is not a JSON object/, roomy);
    expectInvalid(signSegments(json(header()), deep), 'malformed', /payload is not a JSON object/, roomy);
    expectInvalid(signSegments(json(header()), b64(`{"a":${'['.repeat(100_000)}`)), 'malformed', /payload is not a JSON object/, roomy);
  });

  it('expired: token_expired only when expiry is the sole fault', () => {
    const expired = forge(header(), claims({ iat: NOW_S - 1000, exp: NOW_S - 100 }));
    expect(refusal(() => verify(expired))).toMatchObject({ code: 'token_expired', reason: 'expired' });
    const [h, p] = expired.split('.') as [string, string];
    const badSignature = `${h}.${p}.${forge().split('.')[2] ?? ''}`;
    expectInvalid(badSignature, 'bad_signature', /signature is invalid/);
    expectInvalid(forge(header(), claims({ exp: NOW_S - 100, aud: 'billing' })), 'wrong_audience', /another audience/);
    const revoking = verifier({ isSessionRevoked: () => true });
    expectInvalid(expired, 'revoked', /session has been revoked/, revoking);
  });

  it('a cached token after it expires', () => {
    const cached = verifier({ cacheSize: 100 });
    const token = forge(header(), claims({ exp: NOW_S + 60 }));
    expectValid(token, cached);
    expectValid(token, cached);
    clock.ms = (NOW_S + 60 + 5) * 1000;
    try {
      expect(refusal(() => cached(token)).code).toBe('token_expired');
    } finally {
      clock.ms = NOW_S * 1000;
    }
  });
  it('a cached token after its session is revoked', () => {
    const revoked = new Set<string>();
    const cached = verifier({ cacheSize: 100, isSessionRevoked: (sid) => revoked.has(sid) });
    const token = forge();
    expectValid(token, cached);
    revoked.add('session-1');
    expectInvalid(token, 'revoked', /session has been revoked/, cached);
  });

  it('an attacker key pair of the right type but not ours', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const h = json(header());
    const p = json(claims());
    expectInvalid(`${h}.${p}.${b64(sign('sha256', Buffer.from(`${h}.${p}`), { key: other.privateKey, dsaEncoding: 'ieee-p1363' }))}`, 'bad_signature', /signature is invalid/);
  });
});
