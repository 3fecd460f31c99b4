import { tesseraThrown as thrown } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import type { AccessTokenClaims } from '@tessera/core/token';
import { requireRoles, requireScopes, scopesOf } from './index.js';

const claims = (extra: Record<string, unknown> = {}): AccessTokenClaims => ({
  iss: 'i', aud: 'a', sub: 's', sid: 'x', jti: 'j', iat: 0, exp: 1, roles: ['editor', 'viewer'], ...extra,
});

describe('requireRoles / requireScopes', () => {
  it('pass when every listed role is present, and refuse with 403 insufficient_scope naming what is missing', () => {
    expect(() => requireRoles(claims(), 'editor')).not.toThrow();
    expect(() => requireRoles(claims(), 'editor', 'viewer')).not.toThrow();
    expect(() => requireRoles(claims())).not.toThrow();
    const error = thrown(() => requireRoles(claims(), 'editor', 'admin', 'owner'));
    expect([error.code, error.status, error.message]).toEqual(['insufficient_scope', 403, 'This resource needs the roles admin, owner.']);
    expect(thrown(() => requireRoles(claims(), 'Editor')).message).toBe('This resource needs the role Editor.');
  });

  it('read scopes from a space-separated scope claim or an scp array, and nothing else', () => {
    expect([...scopesOf(claims({ scope: 'read:a  write:a' }))]).toEqual(['read:a', 'write:a']);
    expect([...scopesOf(claims({ scp: ['read:a'] }))]).toEqual(['read:a']);
    expect([...scopesOf(claims({ scp: 'read:a' }))]).toEqual([]);
    expect([...scopesOf(claims({ scp: ['read:a', 1] }))]).toEqual([]);
    expect(() => requireScopes(claims({ scope: 'read:a write:a' }), 'write:a', 'read:a')).not.toThrow();
    expect(() => requireScopes(claims({ scp: ['read:a'] }), 'read:a')).not.toThrow();
    const error = thrown(() => requireScopes(claims({ scope: 'read:a' }), 'read'));
    expect([error.code, error.status, error.message]).toEqual(['insufficient_scope', 403, 'This resource needs the scope read.']);
    expect(thrown(() => requireScopes(claims(), 'read:a')).code).toBe('insufficient_scope');
  });
});
