import { describe, expect, it } from 'vitest';
import { errorCodeOf } from './auth-error.js';

describe('errorCodeOf', () => {
  it('reads the contract body\'s error, else the first GraphQL error\'s extensions.code', () => {
    expect(errorCodeOf({ error: 'token_expired', message: 'The access token has expired.' })).toBe('token_expired');
    expect(errorCodeOf({ errors: [{ message: 'The access token has expired.', extensions: { code: 'token_expired' } }] })).toBe('token_expired');
    expect(errorCodeOf({ errors: [{ message: 'x', extensions: { code: 'invalid_token' } }, { extensions: { code: 'token_expired' } }] })).toBe('invalid_token');
  });

  it('is null for anything else', () => {
    for (const body of [null, 'token_expired', [], {}, { errors: [] }, { errors: [{ message: 'no code' }] }, { errors: [{ extensions: { code: 401 } }] }, { error: 7 }]) {
      expect(errorCodeOf(body)).toBeNull();
    }
  });
});
