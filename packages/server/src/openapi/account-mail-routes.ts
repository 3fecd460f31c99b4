import { changeEmailFields, passwordResetCompleteFields, passwordResetFields, verifyEmailFields } from '../routes/auth-fields.js';
import { fieldsToJsonSchema, type JsonSchema } from './field-schema.js';
import type { RouteDoc } from './routes.js';
import { BEARER, BEARER_REFUSED } from './security.js';

const userResult: JsonSchema = {
  type: 'object', required: ['user'], additionalProperties: false,
  properties: { user: { $ref: '#/components/schemas/User' }, emailVerified: { type: 'boolean' } },
};
const outboxMessage: JsonSchema = {
  type: 'object',
  required: ['id', 'from', 'to', 'subject', 'text', 'html', 'sentAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' }, from: { type: 'string' }, to: { type: 'string' }, subject: { type: 'string' },
    text: { type: 'string' }, html: { type: 'string' }, sentAt: { type: 'string', format: 'date-time' },
  },
};

/** Email verification, password reset, email change and the development outbox (see routes/account-mail.ts). */
export const ACCOUNT_MAIL_ROUTES: readonly RouteDoc[] = [
  {
    method: 'post', path: '/auth/verify-email', operationId: 'verifyEmail', tag: 'auth',
    summary: 'Mark the email verified with the token from the verification link',
    description: 'The token is single use; an unknown, expired, superseded or used one is 400 invalid_link. 404 when email verification is off.',
    body: fieldsToJsonSchema(verifyEmailFields),
    success: { status: 200, description: 'The email is verified.', schema: { type: 'object', required: ['emailVerified'], additionalProperties: false, properties: { emailVerified: { const: true } } } },
    errors: ['invalid_request', 'invalid_link', 'not_found', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/verify-email/resend', operationId: 'resendVerification', tag: 'auth',
    summary: 'Mail a new verification link to the current email',
    description: 'Earlier links stop working. `sent: false` when the email is already verified. Rate limited per address.',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema({}),
    success: { status: 200, description: 'Whether a mail was sent.', schema: { type: 'object', required: ['sent'], additionalProperties: false, properties: { sent: { type: 'boolean' } } } },
    errors: ['invalid_request', ...BEARER_REFUSED, 'not_found', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/password-reset', operationId: 'requestPasswordReset', tag: 'auth',
    summary: 'Mail a password-reset link',
    description: 'The same 202 and body, in the same time, for known and unknown emails. 404 when password reset is off.',
    body: fieldsToJsonSchema(passwordResetFields),
    success: { status: 202, description: 'Accepted; a mail goes out if the email has an account.', schema: { type: 'object', required: ['message'], additionalProperties: false, properties: { message: { type: 'string' } } } },
    errors: ['invalid_request', 'not_found', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/password-reset/complete', operationId: 'completePasswordReset', tag: 'auth',
    summary: 'Set a new password with the token from the reset link',
    description: 'Every session of the user is revoked at once and the user is told by mail. A bad token is 400 invalid_link; a password outside the policy is 400 invalid_request.',
    body: fieldsToJsonSchema(passwordResetCompleteFields),
    success: { status: 204, description: 'The password is changed; every session is gone.' },
    errors: ['invalid_request', 'invalid_link', 'not_found', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/email', operationId: 'changeEmail', tag: 'auth',
    summary: 'Change the email address (needs the password)',
    description: 'The old address is told; the new one is unverified until its link is used. A wrong password is 400 invalid_request.',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema(changeEmailFields),
    success: { status: 200, description: 'The user with the new email.', schema: userResult },
    errors: ['invalid_request', ...BEARER_REFUSED, 'email_taken', 'rate_limited', 'unavailable'],
  },
  {
    method: 'get', path: '/dev/outbox', operationId: 'devOutbox', tag: 'service',
    summary: 'Development only: the mail that would have been sent, newest first',
    description: 'Exists only when NODE_ENV is not production and TESSERA_SMTP_URL is unset; 404 otherwise.',
    success: { status: 200, description: 'The outbox.', schema: { type: 'object', required: ['messages'], additionalProperties: false, properties: { messages: { type: 'array', items: outboxMessage } } } },
    errors: ['not_found'],
  },
];
