// Test-only helpers for POST /graphql, over the same in-memory harness as the REST tests.

export const GRAPHQL_RESPONSE = 'application/graphql-response+json; charset=utf-8';

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions: { code: string; retryAfter?: number; requestId?: string; twoFactor?: { challenge: string; methods: string[]; expiresIn: number } };
}
export interface GraphqlBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: GraphqlError[];
}

type Send = (pathname: string, init?: RequestInit) => Response | Promise<Response>;

/** Posts one operation the way a spec-following client does (JSON body, the GraphQL response media type). */
export async function graphql<T = Record<string, unknown>>(
  send: Send,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string | undefined>; path?: string } = {},
): Promise<{ response: Response; body: GraphqlBody<T> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
  for (const [name, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[name] = value;
  const response = await send(options.path ?? '/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify(options.variables === undefined ? { query } : { query, variables: options.variables }),
  });
  return { response, body: (await response.json()) as GraphqlBody<T> };
}

/** The `extensions.code` of each error, in order. */
export function codes(body: Pick<GraphqlBody<unknown>, 'errors'> | { errors?: { extensions: { code: string } }[] }): string[] {
  return (body.errors ?? []).map((error) => error.extensions.code);
}

export const SIGN_UP = `mutation SignUp($email: String!, $password: String!, $transport: Transport) {
  signUp(email: $email, password: $password, name: "Ann", transport: $transport) {
    user { id email name createdAt } accessToken tokenType expiresIn csrfToken refreshToken
  }
}`;

export const LOG_IN = `mutation LogIn($email: String!, $password: String!, $transport: Transport) {
  logIn(email: $email, password: $password, transport: $transport) { user { id email } accessToken expiresIn csrfToken refreshToken }
}`;

export const VERIFY_TWO_FACTOR = `mutation VerifyTwoFactor($challenge: String!, $code: String, $recoveryCode: String, $transport: Transport) {
  verifyTwoFactor(challenge: $challenge, code: $code, recoveryCode: $recoveryCode, transport: $transport) { user { id email } accessToken tokenType expiresIn csrfToken refreshToken }
}`;

export const REFRESH = `mutation Refresh($refreshToken: String) { refresh(refreshToken: $refreshToken) { accessToken tokenType expiresIn csrfToken refreshToken } }`;

export interface AuthPayload {
  user: { id: string; email: string; name: string | null; createdAt: string };
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  csrfToken: string;
  refreshToken: string | null;
}
