// Moved to @tessera/core, so the guard reads Bearer headers exactly as the server does.
export { readBearer, presentsBearer, MAX_TOKEN_LENGTH, type BearerResult, type AuthorizationHeader } from '@tessera/core';
