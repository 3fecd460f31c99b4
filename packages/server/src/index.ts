export * from './config.js';
export * from './app.js';
export * from './runtime.js';
export * from './serve.js';
export * from './secret-file.js';
export { errorResponse, bearerChallenge } from './http/errors.js';
export { readBearer, MAX_TOKEN_LENGTH } from './http/bearer.js';
