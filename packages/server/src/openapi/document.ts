import { ERROR_CATALOG, type ErrorCode } from '@tessera/core';
import { MAX_BODY_BYTES } from '../http/json-body.js';
import type { JsonSchema } from './field-schema.js';
import { ROUTES, type RouteDoc } from './routes.js';
import { componentSchemas } from './schemas.js';
import { securitySchemes } from './security.js';

export interface OpenApiOptions {
  issuer: string;
  /** The version the document states for the API. */
  version?: string;
  /** Also describe the demo's `/api/user` and `/api/number` (tag `demo`): true where the app mounts the demo API. */
  demo?: boolean;
}

/** Any route may answer these: an oversized Authorization or Cookie header (400), an unforeseen failure (500). */
const EVERY_ROUTE: readonly ErrorCode[] = ['invalid_request', 'internal_error'];

/**
 * The OpenAPI 3.1 document of the HTTP API, built once from the route table (routes.ts), whose request bodies come
 * from the field lists that validate them and whose error codes come from the error catalog.
 */
export function createOpenApiDocument(options: OpenApiOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const routes = options.demo === true ? ROUTES : ROUTES.filter((route) => route.tag !== 'demo');
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.1',
    info: {
      title: 'Tessera',
      version: options.version ?? '0.1.0',
      description:
        'JWT authentication over JSON. Every error is `{"error": "<code>", "message": "<sentence>"}` with the status of its code ' +
        `(see the ErrorCode schema). JSON endpoints accept only \`application/json\` bodies of at most ${MAX_BODY_BYTES / 1024} KiB; ` +
        'any other content type is 415 unsupported_media_type, so a cross-site form cannot post.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.issuer.replace(/\/$/, '') }],
    tags: [
      { name: 'auth', description: 'Accounts, sessions and tokens' },
      { name: 'admin', description: 'Managing users (the `admin` role)' },
      { name: 'graphql', description: 'The same operations over GraphQL' },
      { name: 'discovery', description: 'Public keys and metadata for verifiers' },
      { name: 'service', description: 'Health, readiness and this document' },
      ...(options.demo === true ? [{ name: 'demo', description: "The demo app's protected resources (@tessera/demo-api, with TESSERA_DEMO=on)" }] : []),
    ],
    paths,
    components: { schemas: componentSchemas, securitySchemes },
  };
}

function operation(route: RouteDoc): JsonSchema {
  const parameters = [
    ...[...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(route.query ?? []).map(({ name, description, schema }) => ({ name, in: 'query', required: false, description, schema })),
  ];
  const codes = new Set<ErrorCode>([...EVERY_ROUTE, ...route.errors, ...(route.body ? (['unsupported_media_type'] as const) : [])]);
  const responses: Record<string, JsonSchema> = { [String(route.success.status)]: successResponse(route) };
  for (const [status, statusCodes] of byStatus(codes)) responses[String(status)] = errorResponse(route, status, statusCodes);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    security: route.security ?? [],
    ...(route.body ? { requestBody: requestBody(route.body) } : {}),
    responses,
  };
}

function requestBody(schema: JsonSchema): JsonSchema {
  const required = Array.isArray(schema.required) && schema.required.length > 0;
  return {
    // A body without required fields may be left out entirely (no content type, no bytes): it reads as `{}`.
    required,
    content: { 'application/json': { schema } },
  };
}

/** RFC 9449 §8, with TESSERA_DPOP_NONCE=on: on every answer to a request that carried a `DPoP` header. */
const DPOP_NONCE: JsonSchema = {
  description: 'With TESSERA_DPOP_NONCE=on, on every answer to a request that carried a `DPoP` header: the nonce the next proof must carry (RFC 9449 §8).',
  schema: { type: 'string' },
};

/** A route that checks DPoP proofs (it may answer use_dpop_nonce) hands out the server nonce on every answer. */
function takesProofs(route: RouteDoc): boolean {
  return route.errors.includes('use_dpop_nonce');
}

function successResponse(route: RouteDoc): JsonSchema {
  const { description, schema, setsCookies } = route.success;
  const headers: Record<string, JsonSchema> = {};
  if (setsCookies) headers['Set-Cookie'] = { description: 'The refresh cookie (HttpOnly, Path=/auth) and the CSRF cookie, set or cleared.', schema: { type: 'string' } };
  if (takesProofs(route)) headers['DPoP-Nonce'] = DPOP_NONCE;
  const mediaTypes = route.graphql ? GRAPHQL_MEDIA_TYPES : ['application/json'];
  return {
    description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(schema ? { content: Object.fromEntries(mediaTypes.map((type) => [type, { schema }])) } : {}),
  };
}

const GRAPHQL_MEDIA_TYPES = ['application/graphql-response+json', 'application/json'];

function errorResponse(route: RouteDoc, status: number, codes: readonly ErrorCode[]): JsonSchema {
  const description = codes.map((code) => `\`${code}\`: ${ERROR_CATALOG[code].message}`).join(' ');
  const headers: Record<string, JsonSchema> = {};
  if (status === 401 && (route.challenges || route.security?.some((requirement) => 'bearer' in requirement))) {
    headers['WWW-Authenticate'] = {
      description: 'The RFC 6750 challenge: `Bearer realm="tessera"`, plus `error` and `error_description` when a token was sent; `DPoP realm="tessera", algs="…"` (RFC 9449 §7.1) for a DPoP request or a DPoP-bound token.',
      required: route.challenges === true,
      schema: { type: 'string', pattern: '^(Bearer|DPoP) realm="tessera"' },
    };
  } else if (status === 401 && codes.includes('use_dpop_nonce')) {
    headers['WWW-Authenticate'] = {
      description: 'Only with `use_dpop_nonce`: `DPoP realm="tessera", algs="…", error="use_dpop_nonce", …` (RFC 9449 §8).',
      schema: { type: 'string', pattern: '^DPoP realm="tessera"' },
    };
  }
  if (takesProofs(route)) headers['DPoP-Nonce'] = DPOP_NONCE;
  if (codes.includes('rate_limited')) headers['Retry-After'] = { description: 'Seconds until a retry may succeed.', required: true, schema: { type: 'integer', minimum: 1 } };
  if (codes.includes('internal_error') || codes.includes('unavailable')) {
    headers['X-Request-Id'] = { description: 'The id of the server log line about this failure.', schema: { type: 'string' } };
  }
  const schema = route.graphql
    ? { allOf: [{ $ref: '#/components/schemas/GraphqlResponse' }, { required: ['errors'], properties: { errors: { items: { properties: { extensions: { properties: { code: { enum: codes } } } } } } } }] }
    : { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { error: { enum: codes } } }] };
  const mediaTypes = route.graphql ? GRAPHQL_MEDIA_TYPES : ['application/json'];
  return {
    description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: Object.fromEntries(mediaTypes.map((type) => [type, { schema }])),
  };
}

function byStatus(codes: Iterable<ErrorCode>): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOG[code].status;
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}
