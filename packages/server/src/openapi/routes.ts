import type { ErrorCode } from '@tessera/core';
import { graphqlRequestFields } from '../graphql/routes.js';
import { noFields, rolesFields } from '../routes/admin-fields.js';
import { credentialFields, passwordFields, refreshFields, signupFields } from '../routes/auth-fields.js';
import { twoFactorCodeFields, twoFactorStepUpFields, twoFactorVerifyFields } from '../routes/two-factor-fields.js';
import { fieldsToJsonSchema, type JsonSchema } from './field-schema.js';
import { ACCOUNT_MAIL_ROUTES } from './account-mail-routes.js';
import { BEARER, BEARER_REFUSED, COOKIE_WITH_CSRF, NONE, PROOF_REFUSED, type SecurityRequirement } from './security.js';
import { PASSKEY_ROUTES } from './passkey-routes.js';

/** One route of the HTTP API as the OpenAPI document describes it. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** The OpenAPI path, `{name}` for a path parameter (each becomes a required string parameter). */
  path: string;
  operationId: string;
  tag: 'auth' | 'admin' | 'discovery' | 'service' | 'graphql' | 'demo';
  summary: string;
  description?: string;
  /** Omitted: a public route. Several entries: any one of them suffices. */
  security?: SecurityRequirement[];
  /** Query parameters, each optional. */
  query?: readonly { name: string; description: string; schema: JsonSchema }[];
  /** The JSON request body, derived from the field list that validates it (also brings 415 for other media types). */
  body?: JsonSchema;
  success: { status: number; description: string; schema?: JsonSchema; setsCookies?: boolean };
  /** Every error code the route itself can answer with; each becomes a response under its catalog status. */
  errors: readonly ErrorCode[];
  /** A Bearer-protected route: every 401 carries the RFC 6750 `WWW-Authenticate` challenge. */
  challenges?: boolean;
  /** GraphQL over HTTP: errors come as GraphQL responses (`errors[].extensions.code`), not as `{error, message}`. */
  graphql?: boolean;
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** The admin API: Bearer with the `admin` role (403 insufficient_scope, with its challenge, without it); rate limited. */
const ADMIN_ERRORS = ['invalid_request', ...BEARER_REFUSED, 'insufficient_scope', 'not_found', 'rate_limited', 'unavailable'] as const satisfies readonly ErrorCode[];
const adminUserResult = (extra: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'object', required: ['user', ...Object.keys(extra)], additionalProperties: false, properties: { user: ref('AdminUser'), ...extra },
});
const sessionsRevoked: JsonSchema = { type: 'integer', minimum: 0 };
const adminAction = (action: string, operationId: string, summary: string, description: string, schema: JsonSchema): RouteDoc => ({
  method: 'post', path: `/admin/users/{id}/${action}`, operationId, tag: 'admin', summary, description,
  security: BEARER, challenges: true,
  body: fieldsToJsonSchema(noFields),
  success: { status: 200, description: summary, schema },
  errors: ADMIN_ERRORS,
});

const graphqlRoute = (path: string, operationId: string, description: string): RouteDoc => ({
  method: 'post', path, operationId, tag: 'graphql',
  summary: 'A GraphQL operation (mutations signUp, logIn, refresh, logOut, logOutAll, changePassword, revokeSession; queries me, sessions)',
  description,
  security: [{ bearer: [] }, COOKIE_WITH_CSRF, NONE],
  body: fieldsToJsonSchema(graphqlRequestFields),
  success: { status: 200, description: 'The GraphQL response; a failed field carries its code in `errors[].extensions.code`.', schema: ref('GraphqlResponse'), setsCookies: true },
  errors: ['invalid_request', 'unsupported_media_type', ...BEARER_REFUSED, 'rate_limited', 'unavailable'],
  graphql: true,
});

/**
 * Every route of the HTTP API, one entry each: a new route gets its entry here (openapi.test.ts fails for a route
 * the app serves without one). The invalid_request of an oversized credential header and the internal_error any
 * route may answer are added to every entry by the document builder.
 */
export const ROUTES: readonly RouteDoc[] = [
  {
    method: 'post', path: '/auth/signup', operationId: 'signup', tag: 'auth',
    summary: 'Create an account and start a session',
    description: 'With `transport: "body"` (native apps) the refresh token comes back in the body and no cookie is set; otherwise it is set as the refresh cookie.',
    body: fieldsToJsonSchema(signupFields),
    success: { status: 201, description: 'The account and its first session.', schema: ref('SessionTokens'), setsCookies: true },
    errors: ['invalid_request', ...PROOF_REFUSED, 'email_taken', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/login', operationId: 'login', tag: 'auth',
    summary: 'Start a session with email and password',
    description: 'The same answer for an unknown email and a wrong password (401 invalid_credentials); the right password of a disabled account is 403 account_disabled. Same `transport` rule as signup. The right password of an account with two-factor authentication answers 401 two_factor_required with a `twoFactor` challenge instead of tokens.',
    body: fieldsToJsonSchema(credentialFields),
    success: { status: 200, description: 'A new session.', schema: ref('SessionTokens'), setsCookies: true },
    errors: ['invalid_request', 'invalid_credentials', 'two_factor_required', ...PROOF_REFUSED, 'account_disabled', 'email_unverified', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/refresh', operationId: 'refresh', tag: 'auth',
    summary: 'Rotate the refresh token and get a new access token',
    description: 'The refresh token comes in the cookie (with `X-CSRF-Token`) or in the body as `refreshToken` (native clients); the new one goes back the same way. A refused cookie is cleared.',
    security: [COOKIE_WITH_CSRF, NONE],
    body: fieldsToJsonSchema(refreshFields),
    success: { status: 200, description: 'A fresh access token and the rotated refresh token.', schema: ref('RefreshedTokens'), setsCookies: true },
    errors: ['invalid_request', 'invalid_grant', ...PROOF_REFUSED, 'csrf_failed', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/logout', operationId: 'logout', tag: 'auth',
    summary: 'End the session',
    description: 'Ends the session of the refresh token in the body, else of the refresh cookie (with `X-CSRF-Token`), else of the Bearer token. Without any credential it is a no-op; the cookies are cleared either way.',
    security: [COOKIE_WITH_CSRF, { bearer: [] }, NONE],
    body: fieldsToJsonSchema(refreshFields),
    success: { status: 204, description: 'The session is revoked (or there was none).', setsCookies: true },
    errors: ['invalid_request', ...BEARER_REFUSED, 'csrf_failed', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/logout-all', operationId: 'logoutAll', tag: 'auth',
    summary: 'End every session of the user',
    security: BEARER, challenges: true,
    success: { status: 204, description: 'Every session of the user is revoked.', setsCookies: true },
    errors: [...BEARER_REFUSED, 'unavailable'],
  },
  {
    method: 'get', path: '/auth/me', operationId: 'me', tag: 'auth',
    summary: 'The signed-in user',
    security: BEARER, challenges: true,
    success: {
      status: 200,
      description: 'The user; `emailVerified` only while email verification is on.',
      schema: { type: 'object', required: ['user'], additionalProperties: false, properties: { user: ref('User'), emailVerified: { type: 'boolean' } } },
    },
    errors: [...BEARER_REFUSED, 'unavailable'],
  },
  {
    method: 'get', path: '/auth/sessions', operationId: 'listSessions', tag: 'auth',
    summary: "The user's live sessions, newest first",
    security: BEARER, challenges: true,
    success: { status: 200, description: 'The sessions.', schema: { type: 'object', required: ['sessions'], additionalProperties: false, properties: { sessions: { type: 'array', items: ref('Session') } } } },
    errors: [...BEARER_REFUSED, 'unavailable'],
  },
  {
    method: 'delete', path: '/auth/sessions/{id}', operationId: 'revokeSession', tag: 'auth',
    summary: 'End one of the user\'s sessions',
    description: 'Somebody else\'s session answers exactly like a missing one: 404 not_found.',
    security: BEARER, challenges: true,
    success: { status: 204, description: 'The session is revoked.' },
    errors: [...BEARER_REFUSED, 'not_found', 'unavailable'],
  },
  ...PASSKEY_ROUTES,
  {
    method: 'post', path: '/auth/password', operationId: 'changePassword', tag: 'auth',
    summary: 'Change the password',
    description: 'A wrong current password is 400 invalid_request (not 401: the session is fine). Every other session of the user is revoked.',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema(passwordFields),
    success: { status: 204, description: 'The password is changed.' },
    errors: ['invalid_request', ...BEARER_REFUSED, 'rate_limited', 'unavailable'],
  },
  // Second factor (TOTP and recovery codes).
  {
    method: 'get', path: '/auth/two-factor', operationId: 'twoFactorStatus', tag: 'auth',
    summary: 'Whether two-factor authentication is on, pending, and how many recovery codes are left',
    security: BEARER, challenges: true,
    success: { status: 200, description: 'The second factor of the caller.', schema: ref('TwoFactorStatus') },
    errors: [...BEARER_REFUSED, 'unavailable'],
  },
  {
    method: 'post', path: '/auth/two-factor/enroll', operationId: 'twoFactorEnroll', tag: 'auth',
    summary: 'Start a TOTP enrolment: an otpauth:// URI to scan; active only after POST /auth/two-factor/confirm',
    description: 'Restarting a pending enrolment replaces its secret; with two-factor already on it is 409 two_factor_enabled.',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema({}),
    success: { status: 200, description: 'The secret, as a URI and in base32.', schema: ref('TwoFactorEnrollment') },
    errors: ['invalid_request', ...BEARER_REFUSED, 'two_factor_enabled', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/two-factor/confirm', operationId: 'twoFactorConfirm', tag: 'auth',
    summary: 'Turn the pending enrolment on with its first code; returns the ten recovery codes, shown once',
    description: 'A wrong code is 400 invalid_request (not 401: the session is fine) and counts against the account lockout; no pending enrolment is 404.',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema(twoFactorCodeFields),
    success: { status: 200, description: 'Two-factor authentication is on.', schema: ref('TwoFactorConfirmation') },
    errors: ['invalid_request', ...BEARER_REFUSED, 'not_found', 'two_factor_enabled', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/two-factor/disable', operationId: 'twoFactorDisable', tag: 'auth',
    summary: 'Turn two-factor authentication off with exactly one of a fresh code, a recovery code or the password',
    description: 'A wrong code or password is 400 invalid_request (not 401: the session is fine) and counts against the account lockout.',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema(twoFactorStepUpFields),
    success: { status: 204, description: 'Two-factor authentication is off.' },
    errors: ['invalid_request', ...BEARER_REFUSED, 'not_found', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/two-factor/recovery-codes', operationId: 'twoFactorRecoveryCodes', tag: 'auth',
    summary: 'Replace every recovery code with ten new ones, with exactly one of a fresh code, a recovery code or the password',
    description: 'The new codes are shown this once; the old ones stop working at the same moment. A wrong code or password is 400 invalid_request (not 401: the session is fine) and counts against the account lockout; no enabled second factor is 404.',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema(twoFactorStepUpFields),
    success: { status: 200, description: 'The new recovery codes.', schema: ref('TwoFactorConfirmation') },
    errors: ['invalid_request', ...BEARER_REFUSED, 'not_found', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/two-factor/verify', operationId: 'twoFactorVerify', tag: 'auth',
    summary: 'Finish a login that answered two_factor_required: the challenge and a TOTP code or a recovery code',
    description: 'Issues the session exactly as login does, with the same `transport` rule. A wrong code keeps the challenge usable and counts against the account lockout; an unknown, used or expired challenge is 401 invalid_challenge.',
    body: fieldsToJsonSchema(twoFactorVerifyFields),
    success: { status: 200, description: 'A new session.', schema: ref('SessionTokens'), setsCookies: true },
    errors: ['invalid_request', 'invalid_challenge', 'invalid_two_factor_code', ...PROOF_REFUSED, 'account_disabled', 'rate_limited', 'unavailable'],
  },
  {
    method: 'get', path: '/admin/users', operationId: 'adminSearchUsers', tag: 'admin',
    summary: 'Search users by email text, newest first, a page at a time',
    security: BEARER, challenges: true,
    query: [
      { name: 'q', description: 'Text the email contains; absent or empty lists everyone.', schema: { type: 'string' } },
      { name: 'limit', description: 'Users per page.', schema: { type: 'string', pattern: '^\\d{1,9}$' } },
      { name: 'offset', description: 'Where the page starts (`nextOffset` of the previous page).', schema: { type: 'string', pattern: '^\\d{1,9}$' } },
    ],
    success: {
      status: 200,
      description: 'One page of users.',
      schema: { type: 'object', required: ['users', 'nextOffset'], additionalProperties: false, properties: { users: { type: 'array', items: ref('AdminUser') }, nextOffset: { type: ['integer', 'null'] } } },
    },
    errors: ADMIN_ERRORS,
  },
  adminAction('disable', 'adminDisableUser', 'Disable a user', 'Every session of the user is revoked at once; the user cannot log in or refresh until enabled again.', adminUserResult({ sessionsRevoked })),
  adminAction('enable', 'adminEnableUser', 'Enable a user', 'The user may log in again.', adminUserResult()),
  adminAction('logout', 'adminLogoutUser', 'Log a user out everywhere', 'Every session of the user is revoked at once.', { type: 'object', required: ['sessionsRevoked'], additionalProperties: false, properties: { sessionsRevoked } }),
  {
    method: 'put', path: '/admin/users/{id}/roles', operationId: 'adminSetRoles', tag: 'admin',
    summary: "Set a user's roles",
    description: "New access tokens carry them; the user's live sessions pick them up at their next refresh.",
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema(rolesFields),
    success: { status: 200, description: 'The user with the new roles.', schema: adminUserResult() },
    errors: ADMIN_ERRORS,
  },
  graphqlRoute('/graphql', 'graphql', 'GraphQL over HTTP, POST with an `application/json` body only. A refused Bearer token fails the whole request with 401.'),
  graphqlRoute('/auth/graphql', 'authGraphql', 'The same GraphQL endpoint under `/auth`, where browsers send the refresh cookie (Path=/auth) that the cookie transport of `refresh` and `logOut` needs.'),
  {
    method: 'get', path: '/.well-known/jwks.json', operationId: 'jwks', tag: 'discovery',
    summary: 'The public keys that verify access tokens',
    success: { status: 200, description: 'A JWK Set of public keys only.', schema: ref('Jwks') },
    errors: [],
  },
  {
    method: 'get', path: '/.well-known/openid-configuration', operationId: 'openidConfiguration', tag: 'discovery',
    summary: 'Discovery metadata',
    success: {
      status: 200,
      description: 'OpenID Connect Discovery metadata; only what works is advertised (there are no OAuth grants).',
      schema: {
        type: 'object',
        required: ['issuer', 'jwks_uri', 'id_token_signing_alg_values_supported', 'subject_types_supported', 'response_types_supported', 'grant_types_supported'],
        properties: {
          issuer: { type: 'string', format: 'uri' },
          jwks_uri: { type: 'string', format: 'uri' },
          id_token_signing_alg_values_supported: { type: 'array', items: { type: 'string' }, contains: { const: 'RS256' } },
          subject_types_supported: { type: 'array', items: { type: 'string' } },
          response_types_supported: { type: 'array', maxItems: 0 },
          grant_types_supported: { type: 'array', maxItems: 0 },
        },
      },
    },
    errors: [],
  },
  {
    method: 'get', path: '/healthz', operationId: 'health', tag: 'service',
    summary: 'Liveness',
    success: { status: 200, description: 'The process answers.', schema: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { const: 'ok' } } } },
    errors: [],
  },
  {
    method: 'get', path: '/readyz', operationId: 'ready', tag: 'service',
    summary: 'Readiness: every backing store reachable',
    success: {
      status: 200,
      description: 'Every backing store answers.',
      schema: {
        type: 'object', required: ['status', 'stores'], additionalProperties: false,
        properties: { status: { const: 'ready' }, stores: { type: 'object', additionalProperties: { const: 'ok' } } },
      },
    },
    errors: ['unavailable'],
  },
  {
    method: 'get', path: '/openapi.json', operationId: 'openapi', tag: 'service',
    summary: 'This document',
    success: { status: 200, description: 'The OpenAPI 3.1 document of the HTTP API.', schema: { type: 'object', required: ['openapi', 'info', 'paths'], properties: { openapi: { type: 'string', pattern: '^3\\.1\\.' } } } },
    errors: [],
  },
  {
    method: 'get', path: '/api/user', operationId: 'demoUser', tag: 'demo',
    summary: "The demo's protected resource: the caller",
    security: BEARER, challenges: true,
    success: {
      status: 200,
      description: 'The caller.',
      schema: { type: 'object', required: ['id', 'email', 'name'], additionalProperties: false, properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: ['string', 'null'] } } },
    },
    errors: [...BEARER_REFUSED, 'unavailable'],
  },
  {
    method: 'get', path: '/api/number', operationId: 'demoNumber', tag: 'demo',
    summary: "The demo's protected resource: a random number",
    security: BEARER, challenges: true,
    success: { status: 200, description: 'A uniform random number from 1 to 10.', schema: { type: 'object', required: ['number'], additionalProperties: false, properties: { number: { type: 'integer', minimum: 1, maximum: 10 } } } },
    errors: [...BEARER_REFUSED],
  },
  ...ACCOUNT_MAIL_ROUTES,
];
