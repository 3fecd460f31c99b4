import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { presentsBearer, readBearer } from './bearer.js';
import { renderError } from './render-error.js';

function code(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as TesseraError).code;
  }
}

describe('readBearer and presentsBearer', () => {
  it('read one Bearer token; no header or another scheme is no token', () => {
    expect(readBearer('Bearer abc.def.ghi')).toEqual({ kind: 'token', token: 'abc.def.ghi' });
    expect(readBearer('bearer abc')).toEqual({ kind: 'token', token: 'abc' });
    for (const header of [undefined, null, '', [], 'Basic dXNlcjpwYXNz', 'Bearerish x']) {
      expect(readBearer(header)).toEqual({ kind: 'none' });
      expect(presentsBearer(header)).toBe(false);
    }
    expect(readBearer(['Bearer abc'])).toEqual({ kind: 'token', token: 'abc' });
  });

  it('accept one or more spaces after the scheme (RFC 6750 §2.1: "Bearer" 1*SP b64token), and only spaces', () => {
    expect(readBearer('Bearer  abc.def.ghi')).toEqual({ kind: 'token', token: 'abc.def.ghi' });
    expect(readBearer(`BEARER${' '.repeat(5)}abc`)).toEqual({ kind: 'token', token: 'abc' });
    for (const header of ['Bearer\tabc', 'Bearer \tabc', 'Bearer  ', 'Bearer  a  b']) {
      expect(code(() => readBearer(header))).toBe('invalid_request');
    }
  });

  it('refuse malformed, oversized and repeated headers with 400 invalid_request — those count as a token sent', () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a, Bearer b', `Bearer ${'a'.repeat(8200)}`, ['Bearer a', 'Bearer a']]) {
      expect(code(() => readBearer(header))).toBe('invalid_request');
      expect(presentsBearer(header)).toBe(true);
    }
  });
});

describe('renderError', () => {
  it('challenges only for the RFC 6750 codes, without an error attribute when no token was sent', () => {
    expect(renderError(new TesseraError('invalid_token'), { tokenSent: false }).headers['www-authenticate']).toBe('Bearer realm="tessera"');
    expect(renderError(new TesseraError('token_expired'), { tokenSent: true }).headers['www-authenticate']).toBe(
      'Bearer realm="tessera", error="invalid_token", error_description="The access token has expired."',
    );
    expect(renderError(new TesseraError('insufficient_scope', 'Needs "admin".'), { tokenSent: true })).toMatchObject({
      status: 403,
      headers: { 'www-authenticate': 'Bearer realm="tessera", error="insufficient_scope", error_description="Needs admin."' },
      body: { error: 'insufficient_scope', message: 'Needs "admin".' },
    });
    expect(renderError(new TesseraError('unavailable'), { tokenSent: true }).headers['www-authenticate']).toBeUndefined();
    expect(renderError(new TesseraError('invalid_token')).headers['www-authenticate']).toBeUndefined();
  });

  it('answers a DPoP request with an RFC 9449 §7.1 challenge, and a refused proof with 401', () => {
    const dpop = { tokenSent: true, scheme: 'DPoP', dpopAlgs: ['ES256', 'EdDSA'] } as const;
    expect(renderError(new TesseraError('invalid_dpop_proof', 'the DPoP proof is too old'), dpop)).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'DPoP realm="tessera", algs="ES256 EdDSA", error="invalid_dpop_proof", error_description="the DPoP proof is too old"' },
      body: { error: 'invalid_dpop_proof', message: 'the DPoP proof is too old' },
    });
    expect(renderError(new TesseraError('use_dpop_nonce'), dpop)).toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringContaining('error="use_dpop_nonce"') as unknown } });
    expect(renderError(new TesseraError('token_expired'), dpop).headers['www-authenticate']).toBe(
      'DPoP realm="tessera", algs="ES256 EdDSA", error="invalid_token", error_description="The access token has expired."',
    );
    // At signup, login and refresh (no challenge context) a refused proof is a plain 401 in the error format.
    expect(renderError(new TesseraError('invalid_dpop_proof'))).toMatchObject({ status: 401, body: { error: 'invalid_dpop_proof' } });
    expect(renderError(new TesseraError('invalid_dpop_proof'), { tokenSent: true }).headers['www-authenticate']).toBeUndefined();
  });

  it('turns anything else into a bare 500 internal_error', () => {
    const parts = renderError(new Error('SELECT secret FROM keys'));
    expect(parts).toEqual({
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: { error: 'internal_error', message: 'Something went wrong on our side.' },
    });
  });
});
