import type { ErrorCode } from '@tessera/core';
import { CSRF_COOKIE, REFRESH_COOKIE, REFRESH_COOKIE_PATH } from '../http/cookies.js';

import { CSRF_HEADER } from '@tessera/wire';

export const CSRF_HEADER_NAME = CSRF_HEADER;

/** A security requirement of an operation: every scheme named in one entry together; any one entry suffices. */
export type SecurityRequirement = Partial<Record<keyof typeof securitySchemes, []>>;

export const securitySchemes = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from signup, login or refresh (`Authorization: Bearer <token>`). A 401 carries `WWW-Authenticate: Bearer realm="tessera"`; `token_expired` is the one code on which a client refreshes. A token whose response said `tokenType: "DPoP"` goes as `Authorization: DPoP <token>` with a `DPoP` proof header (RFC 9449) naming this method, URL and token (`ath`).',
  },
  refreshCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: REFRESH_COOKIE,
    description: `The httpOnly refresh cookie (\`__Secure-${REFRESH_COOKIE}\` over HTTPS), Path=${REFRESH_COOKIE_PATH}, set by signup, login and refresh with the cookie transport. Always together with the CSRF header.`,
  },
  csrfHeader: {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER_NAME,
    description: `The session's \`csrfToken\` (also readable by same-site scripts as the \`${CSRF_COOKIE}\` cookie). Required with the refresh cookie; the request's Origin, when present, must be allowed, or the answer is 403 csrf_failed.`,
  },
} as const;

/** A refused DPoP proof (RFC 9449): anywhere a proof is checked, with TESSERA_DPOP_NONCE=on also for want of the server nonce. */
export const PROOF_REFUSED = ['invalid_dpop_proof', 'use_dpop_nonce'] as const satisfies readonly ErrorCode[];
/** Every refusal of an access token: Bearer, or DPoP-bound with its proof. */
export const BEARER_REFUSED = ['invalid_token', 'token_expired', ...PROOF_REFUSED] as const satisfies readonly ErrorCode[];

/** Only the access token. */
export const BEARER: SecurityRequirement[] = [{ bearer: [] }];
/** The refresh cookie with its CSRF header. */
export const COOKIE_WITH_CSRF: SecurityRequirement = { refreshCookie: [], csrfHeader: [] };
/** No credential in a header or cookie (the refresh token may come in the body instead). */
export const NONE: SecurityRequirement = {};
