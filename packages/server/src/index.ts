// @tessera/server — the auth server. Two halves: the portable fetch handler (`createApp`, also at
// `@tessera/server/app`, for any host that speaks Request/Response) and the Node host in src/node/ (`startServer`:
// listening, the secret file, the demo pages, the metrics listener). `@tessera/server/testing` starts a real one
// for tests.
export { ConfigError, loadConfig, LOG_LEVELS, type LogLevel, type MetricsConfig, type ServerConfig } from './config.js';
export { createApp, type AppOptions, type ClientInfoReader } from './app.js';
export { errorResponse } from './http/errors.js';
export { requireAuth, type AuthVariables } from './http/require-auth.js';
export { createResourceAccess, type ResourceAccess } from './http/resource-access.js';
export { createRateLimits, RATE_LIMITS, type LimitRule, type RateLimitOptions, type RateLimitRules } from './limits/rate-limits.js';
export { limitKeyForIp } from './limits/ip-key.js';
export { createAuditLog, createLogger, type AuditLogOptions } from './audit/audit-log.js';
export { createOpenApiDocument, type OpenApiOptions } from './openapi/document.js';
export { createMetrics, type Metrics } from './metrics/create-metrics.js';
export { metricsEndpoint, METRICS_PATH } from './metrics/metrics-endpoint.js';

export { openRuntime, type Runtime, type RuntimeOptions, type StoreStatus } from './node/runtime.js';
export { startServer, type RunningServer, type StartServerOptions } from './node/serve.js';
export { loadOrCreateSecret, SECRET_FILE } from './node/secret-file.js';
