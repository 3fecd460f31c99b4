export * from './config.js';
export * from './app.js';
export * from './runtime.js';
export * from './serve.js';
export * from './secret-file.js';
export { errorResponse } from './http/errors.js';
export { createRateLimits, RATE_LIMITS, type LimitRule, type RateLimitOptions, type RateLimitRules } from './limits/rate-limits.js';
export { limitKeyForIp } from './limits/ip-key.js';
export { createAuditLog, createLogger, type AuditLogOptions } from './audit/audit-log.js';
