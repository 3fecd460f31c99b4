import { ERROR_CATALOG } from '@tessera/core';
import { CSRF_HEADER_NAME } from './security.js';
import type { JsonSchema } from './field-schema.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };

/** The token answer's members common to both transports (see http/session-transport.ts `TokenBody`). */
const tokenMembers: Record<string, JsonSchema> = {
  accessToken: { type: 'string', description: 'The access token (a JWS, `typ: at+jwt`); send it as `Authorization: Bearer <token>`.' },
  tokenType: { enum: ['Bearer', 'DPoP'], description: '`DPoP` when the session is bound to the key of the DPoP proof its login or signup carried: send the access token as `Authorization: DPoP <token>` with a proof.' },
  expiresIn: { type: 'integer', minimum: 1, description: 'Seconds until the access token expires.' },
  csrfToken: { type: 'string', description: `The session's CSRF token: send it as \`${CSRF_HEADER_NAME}\` with every request that relies on the refresh cookie. Stable for the whole session.` },
};
const bodyTransportMembers: Record<string, JsonSchema> = {
  refreshToken: { type: 'string', description: 'The refresh token (opaque). Only with transport `body`; with the cookie transport it is never in a body.' },
  refreshExpiresIn: { type: 'integer', minimum: 1, description: 'Seconds until the refresh token expires unused.' },
};

/** A token answer: with the cookie transport the refresh token is in the cookie only, with `body` in the body only. */
function tokenVariants(withUser: boolean): JsonSchema {
  const user = withUser ? { user: ref('User') } : {};
  const required = [...(withUser ? ['user'] : []), 'accessToken', 'tokenType', 'expiresIn', 'csrfToken'];
  return {
    oneOf: [
      {
        title: 'cookie transport',
        description: 'The refresh token was set as the `tessera_refresh` cookie (and the CSRF token as the `tessera_csrf` cookie).',
        type: 'object', required, additionalProperties: false, properties: { ...user, ...tokenMembers },
      },
      {
        title: 'body transport',
        description: 'Native clients: the refresh token comes back in the body and no cookie is set.',
        type: 'object', required: [...required, 'refreshToken', 'refreshExpiresIn'], additionalProperties: false,
        properties: { ...user, ...tokenMembers, ...bodyTransportMembers },
      },
    ],
  };
}

/**
 * The named schemas of the responses. Every object is closed (`additionalProperties: false`) unless its format
 * is open by its own standard, so a field added to a response without its schema fails the server tests, which
 * check every response they see against this document.
 */
export const componentSchemas: Record<string, JsonSchema> = {
  ErrorCode: {
    type: 'string',
    // The catalog is the one list of codes; the document enumerates it, never a copy.
    enum: Object.keys(ERROR_CATALOG),
    description: Object.entries(ERROR_CATALOG).map(([code, { status, message }]) => `- \`${code}\` (${status}): ${message}`).join('\n'),
  },
  Error: {
    type: 'object',
    required: ['error', 'message'],
    additionalProperties: false,
    properties: {
      error: ref('ErrorCode'),
      message: { type: 'string', description: 'A sentence for a person; branch on `error`, never on this.' },
      twoFactor: ref('TwoFactorChallenge'),
    },
  },
  // Second factor (see README "Two-factor authentication").
  TwoFactorChallenge: {
    type: 'object',
    description: 'Only with `two_factor_required`: answer `challenge` at POST /auth/two-factor/verify within `expiresIn` seconds.',
    required: ['challenge', 'methods', 'expiresIn'],
    additionalProperties: false,
    properties: {
      challenge: { type: 'string', pattern: '^mfa_[A-Za-z0-9_-]{43}$' },
      methods: { type: 'array', items: { enum: ['totp', 'recovery_code'] } },
      expiresIn: { type: 'integer', minimum: 1 },
    },
  },
  TwoFactorEnrollment: {
    type: 'object',
    required: ['otpauthUri', 'secret'],
    additionalProperties: false,
    properties: { otpauthUri: { type: 'string', pattern: '^otpauth://totp/' }, secret: { type: 'string', pattern: '^[A-Z2-7]+$' } },
  },
  TwoFactorConfirmation: {
    type: 'object',
    required: ['recoveryCodes'],
    additionalProperties: false,
    properties: { recoveryCodes: { type: 'array', minItems: 10, maxItems: 10, items: { type: 'string', pattern: '^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$' } } },
  },
  TwoFactorStatus: {
    type: 'object',
    required: ['enabled', 'pending', 'recoveryCodesLeft'],
    additionalProperties: false,
    properties: { enabled: { type: 'boolean' }, pending: { type: 'boolean' }, recoveryCodesLeft: { type: 'integer', minimum: 0 } },
  },
  User: {
    type: 'object',
    required: ['id', 'email', 'name', 'createdAt'],
    additionalProperties: false,
    properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: ['string', 'null'] }, createdAt: dateTime },
  },
  AdminUser: {
    type: 'object',
    description: 'A user as the admin API shows it: never the password hash.',
    required: ['id', 'email', 'name', 'roles', 'createdAt', 'updatedAt', 'disabledAt'],
    additionalProperties: false,
    properties: {
      id: { type: 'string' },
      email: { type: 'string' },
      name: { type: ['string', 'null'] },
      roles: { type: 'array', items: { type: 'string' } },
      createdAt: dateTime,
      updatedAt: dateTime,
      disabledAt: { anyOf: [dateTime, { type: 'null' }], description: 'When the account was disabled; null while it is enabled.' },
    },
  },
  SessionTokens: { ...tokenVariants(true), description: 'The answer of signup and login.' },
  RefreshedTokens: { ...tokenVariants(false), description: 'The answer of a refresh: the same transport the refresh token came in.' },
  Session: {
    type: 'object',
    required: ['id', 'current', 'createdAt', 'lastUsedAt', 'userAgent', 'ip', 'deviceBound'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', description: 'The `sid` of the access tokens of this session.' },
      current: { type: 'boolean', description: 'Whether this is the session of the access token that asked.' },
      createdAt: dateTime,
      lastUsedAt: dateTime,
      userAgent: { type: ['string', 'null'] },
      ip: { type: ['string', 'null'] },
      deviceBound: { type: 'boolean', description: 'Whether the session is bound to its device\'s key (DPoP): its tokens work nowhere else.' },
    },
  },
  Jwks: {
    type: 'object',
    required: ['keys'],
    additionalProperties: false,
    properties: {
      keys: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kty', 'kid', 'alg', 'use'],
          // Public keys only: every private JWK member (RFC 7518 §6.2.2, §6.3.2, §6.4) is forbidden.
          properties: { kty: { type: 'string' }, kid: { type: 'string' }, alg: { type: 'string' }, use: { const: 'sig' }, d: false, p: false, q: false, dp: false, dq: false, qi: false, oth: false, k: false },
        },
      },
    },
  },
  GraphqlResponse: {
    type: 'object',
    description: 'A GraphQL-over-HTTP response. The shape of `data` follows the GraphQL schema (outside this document); every error carries the code of the error catalog in `extensions.code`.',
    properties: {
      data: { type: ['object', 'null'] },
      errors: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['message', 'extensions'],
          properties: {
            message: { type: 'string' },
            locations: { type: 'array', items: { type: 'object', properties: { line: { type: 'integer' }, column: { type: 'integer' } } } },
            path: { type: 'array', items: { type: ['string', 'integer'] } },
            extensions: {
              type: 'object',
              required: ['code'],
              additionalProperties: false,
              properties: {
                code: ref('ErrorCode'),
                retryAfter: { type: 'integer', minimum: 1, description: 'With `rate_limited`: seconds until a retry may succeed.' },
                requestId: { type: 'string', description: 'With `internal_error` and `unavailable`: the id of the server log line about it.' },
                twoFactor: ref('TwoFactorChallenge'),
              },
            },
          },
        },
      },
      extensions: { type: 'object' },
    },
    anyOf: [{ required: ['data'] }, { required: ['errors'] }],
  },
};
