import { renderError, toTesseraError, type ChallengeContext, type ErrorCode, type TesseraError } from '@tessera/core';
import { GraphQLError } from 'graphql';
import type { Response as GraphqlHttpResponse } from 'graphql-http';

/**
 * The media type of a GraphQL answer: `application/graphql-response+json` when the client accepts it (the
 * GraphQL-over-HTTP spec's own type, whose status codes mean something), else `application/json`.
 */
export type GraphqlMediaType = 'application/graphql-response+json' | 'application/json';

export function mediaTypeFor(accept: string | undefined): GraphqlMediaType {
  return accept !== undefined && /(^|,)\s*application\/graphql-response\+json\s*(;|,|$)/i.test(accept)
    ? 'application/graphql-response+json'
    : 'application/json';
}

/**
 * A request refused before any operation ran (bad body, a refused Bearer token): the catalog's status and
 * headers for the error's code (RFC 6750 challenge, Retry-After), and a GraphQL body without `data` whose one
 * error carries the code in `extensions.code`.
 */
export function requestErrorResponse(error: unknown, mediaType: GraphqlMediaType, bearer?: ChallengeContext): GraphqlHttpResponse {
  const { status, headers, body } = renderError(error, bearer);
  const errors = [{ message: body.message, extensions: { code: body.error } }];
  return [JSON.stringify({ errors }), { status, statusText: '', headers: { ...headers, 'content-type': `${mediaType}; charset=utf-8` } }];
}

/** graphql-js's "Did you mean …?" hints, which would map out the schema for a caller without introspection. */
const SUGGESTION = /\s*Did you mean [^?]*\?\s*$/;

/**
 * Turns every error of a GraphQL answer into `{message, locations, path, extensions: {code}}` with a code of the
 * contract: a TesseraError keeps its code and sentence (and `retryAfter` for rate_limited); GraphQL's own
 * parse, validation and variable errors are `invalid_request`; anything else is `internal_error` with a fixed
 * sentence, reported through `logError` and never sent (no stack, no SQL). In production the field suggestions
 * are cut from messages.
 */
export function createErrorFormatter(options: { production: boolean; logError: (error: TesseraError, requestId: string) => void; requestId: () => string }) {
  return (error: Readonly<GraphQLError | Error>): GraphQLError => {
    const graphqlError = error instanceof GraphQLError ? error : null;
    const original = graphqlError ? graphqlError.originalError : error;
    let code: ErrorCode;
    let message: string;
    let retryAfter: number | undefined;
    let requestId: string | undefined;
    let twoFactor: TesseraError['twoFactor'];
    if (graphqlError !== null && (original === undefined || original === null || original instanceof GraphQLError)) {
      code = 'invalid_request';
      message = options.production ? graphqlError.message.replace(SUGGESTION, '') : graphqlError.message;
    } else {
      const tessera = toTesseraError(original);
      if (tessera.code === 'internal_error' || tessera.code === 'unavailable') {
        // As on REST: the id ties the client's report to the one log line about this failure.
        requestId = options.requestId();
        options.logError(tessera, requestId);
      }
      ({ code, message, retryAfter, twoFactor } = tessera);
    }
    return new GraphQLError(message, {
      nodes: graphqlError?.nodes ?? null,
      source: graphqlError?.source ?? null,
      positions: graphqlError?.positions ?? null,
      path: graphqlError?.path ?? null,
      extensions: {
        code,
        ...(retryAfter === undefined ? {} : { retryAfter: Math.max(1, Math.ceil(retryAfter)) }),
        ...(requestId === undefined ? {} : { requestId }),
        // logIn of an account with a second factor: the challenge to finish with verifyTwoFactor (or POST /auth/two-factor/verify).
        ...(twoFactor === undefined ? {} : { twoFactor }),
      },
    });
  };
}
