import { randomBytes } from 'node:crypto';
import { challengeContextFor, TesseraError, type AccessTokenClaims, type Auth } from '@tessera/core';
import type { ResourceAccess } from '../http/resource-access.js';
import { NoSchemaIntrospectionCustomRule, parse } from 'graphql';
import { createHandler, type RequestParams, type Response as GraphqlHttpResponse } from 'graphql-http';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type { ClientInfoReader } from '../app.js';
import { checkFields, isJsonObject, MAX_BODY_BYTES, readJsonValue } from '../http/json-body.js';
import { authorizationOf } from '../http/credential-headers.js';
import type { SessionTransport } from '../http/session-transport.js';
import { createErrorFormatter, mediaTypeFor, requestErrorResponse } from './errors.js';
import { MAX_TOKENS, operationLimitsRule } from './limits.js';
import { createResolvers, type GraphqlContext } from './resolvers.js';
import { buildAuthSchema } from './schema.js';

export interface GraphqlRoutesOptions {
  auth: Auth;
  sessions: SessionTransport;
  clientInfo: ClientInfoReader;
  /** Bearer or DPoP-bound access tokens, as on the REST routes. */
  access: ResourceAccess;
  /** Introspection off and no "Did you mean" hints (NODE_ENV=production). */
  production: boolean;
  /** Where a 500 or 503 behind a field goes: the app's one-line error log, with the request id sent in `extensions.requestId`. */
  logError: (error: TesseraError, requestId: string) => void;
}

/** The four members of a GraphQL-over-HTTP request body; anything else is refused like an unknown REST field. */
export const graphqlRequestFields = {
  query: { type: 'string', required: true, maxLength: MAX_BODY_BYTES },
  operationName: { type: 'string', maxLength: 256 },
  variables: { type: 'object' },
  extensions: { type: 'object' },
} as const;

/**
 * `POST /graphql` over graphql-http (the reference GraphQL-over-HTTP server). Only POST with an
 * `application/json` body: no GET, so no mutation by link or image, and no form-encoded body, so a cross-site
 * HTML form cannot post. The Bearer token is checked once per request, before anything runs, exactly as the
 * REST routes check it: a presented token that is expired, revoked or otherwise refused fails the whole request
 * with 401 (and `extensions.code` `token_expired` or `invalid_token`), so a client refreshes on the same signal
 * over both APIs.
 */
export function graphqlRoutes(options: GraphqlRoutesOptions): Hono {
  const formatError = createErrorFormatter({ ...options, requestId: () => randomBytes(8).toString('hex') });
  const handler = createHandler<Context, GraphqlContext, GraphqlContext>({
    schema: buildAuthSchema(),
    rootValue: createResolvers(options),
    context: (request) => request.context,
    parse: (source, parseOptions) => parse(source, { ...parseOptions, maxTokens: MAX_TOKENS }),
    validationRules: [operationLimitsRule(), ...(options.production ? [NoSchemaIntrospectionCustomRule] : [])],
    formatError,
    onOperation: (request, _args, result) => {
      // No `data` at all (variables that do not fit their types) is a request error; the spec's media type
      // answers it with 400, as it does validation errors, where graphql-http would say 200.
      const mediaType = mediaTypeFor(request.raw.req.header('accept'));
      if ('data' in result || mediaType !== 'application/graphql-response+json') return undefined;
      const errors = (result.errors ?? []).map(formatError);
      return [JSON.stringify({ errors }), { status: 400, statusText: 'Bad Request', headers: { 'content-type': `${mediaType}; charset=utf-8` } }];
    },
    parseRequestParams: (request) => readGraphqlRequest(request.raw),
  });

  const app = new Hono();
  app.post('/', async (c) => {
    const authorization = authorizationOf(c);
    let claims: AccessTokenClaims | null = null;
    try {
      // Bearer, or DPoP with its proof: a copied DPoP-bound token is refused here as on every REST route.
      claims = await options.access.authorize(c);
    } catch (error) {
      return send(c, requestErrorResponse(error, mediaTypeFor(c.req.header('accept')), challengeContextFor(authorization, error)));
    }
    const context: GraphqlContext = { c, claims, hasAuthorization: authorization !== undefined };
    return send(c, await handler({ method: 'POST', url: c.req.url, headers: c.req.raw.headers, body: null, raw: c, context }));
  });
  app.all('/', (c) => {
    const [body, init] = requestErrorResponse(
      new TesseraError('invalid_request', 'Send GraphQL operations with POST and an application/json body.'),
      mediaTypeFor(c.req.header('accept')),
    );
    return c.body(body ?? '', 405, { ...init.headers, allow: 'POST' });
  });
  return app;
}

/** graphql-http's answer through `c`, so the cookies a resolver set on `c` go out with it. */
function send(c: Context, [body, init]: GraphqlHttpResponse): Response {
  return body === null ? c.body(null, init.status as StatusCode, init.headers) : c.body(body, init.status as ContentfulStatusCode, init.headers);
}

/** The request body as graphql-http's parameters, or the error answer; a JSON array (a batch) is refused. */
async function readGraphqlRequest(c: Context): Promise<RequestParams | GraphqlHttpResponse> {
  try {
    const value = await readJsonValue(c.req.raw);
    // One request, one operation: a batch would multiply everything a single request may do.
    if (Array.isArray(value)) throw new TesseraError('invalid_request', 'Batched operations are not accepted; send one operation per request.');
    if (!isJsonObject(value)) throw new TesseraError('invalid_request', 'The body must be a JSON object with a "query".');
    const fields = checkFields(value, graphqlRequestFields);
    return { query: fields.query!, operationName: fields.operationName ?? null, variables: fields.variables ?? null, extensions: fields.extensions ?? null };
  } catch (error) {
    return requestErrorResponse(error, mediaTypeFor(c.req.header('accept')));
  }
}
