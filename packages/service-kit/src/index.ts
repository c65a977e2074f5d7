export { loadConfig, loadConfigOrExit, ConfigError, type ConfigRule } from './config.js';
export { ServerEnv, DatabaseEnv, KafkaEnv, AuthEnv, SealingKeyring } from './env.js';
export {
  kafkaCredentialsProblem,
  kafkaCredentialsRule,
  type KafkaCredentialVariables,
} from './kafka-credentials-rule.js';
export {
  databasePoolConfig,
  defaultDatabasePoolSettings,
  defaultDatabaseTimeouts,
  type DatabasePoolSettings,
  type DatabaseTimeouts,
} from './database-pool.js';
export {
  AppError,
  invalidToken,
  notFound,
  errorStatus,
  type BearerError,
  type ErrorCode,
  type FieldError,
} from './errors.js';
export { ProblemDetails, buildProblem, PROBLEM_CONTENT_TYPE } from './problem.js';
export { createApp, type App, type CreateAppOptions } from './create-app.js';
export { runServer } from './run-server.js';
export { loggerOptions, redactedPaths, type LogStream } from './logger.js';
export { OneLinePerRequest } from './request-log.js';
export { metricsRegistry } from './plugins/metrics.js';
export {
  jwtAuth,
  authenticateRequest,
  remoteKeySet,
  identityOf,
  verifyAccessToken,
  bearerToken,
  ACCESS_TOKEN_TYPE,
  ACCESS_TOKEN_ALGORITHMS,
  type Identity,
  type JwtAuthOptions,
} from './plugins/jwt-auth.js';
export { problemErrors } from './plugins/problem-errors.js';
export { MAX_INPUT_DEPTH } from './plugins/strict-input.js';
export { health, type ReadinessCheck } from './plugins/health.js';
export { metrics } from './plugins/metrics.js';
export { redisPlugin } from './plugins/redis.js';
export { denylistCachePlugin } from './plugins/denylist-cache.js';
export { requireRole } from './require-role.js';
export {
  DENYLIST_RETRY_AFTER_SECONDS,
  DENYLIST_SYNCED_KEY,
  denylistIncomplete,
  denylistReport,
  denylistStatus,
  disabledUserKey,
  sessionDenylistId,
  markDisabled,
  clearDisabled,
  DENYLIST_CHANGES_CHANNEL,
  type DenylistChange,
  type DenylistStatus,
} from './disabled-users.js';
export { DenylistCache, type DenylistCacheOptions } from './denylist-cache.js';
export {
  openapi,
  problemResponse,
  undocumentedRoutes,
  INFRASTRUCTURE_ROUTES,
  type RouteRecord,
} from './plugins/openapi.js';
export { userOf, assertScope } from './caller.js';
export {
  encodeCursor,
  decodeCursor,
  cursorParam,
  cursorTimeOf,
  keysetPage,
  olderThan,
  newerThan,
  type KeysetPosition,
  type KeysetPage,
} from './keyset-cursor.js';
export { PeriodicTask } from './periodic-task.js';
export { assertSeparateKeyrings, SecretBox } from './secret-box.js';
export { startMetricsServer } from './metrics-server.js';
export { TransientError, isTransientError, kafkaProtocolErrorType } from './transient-error.js';
export { VerifiedTokens } from './verified-tokens.js';
export { DATA_EXPORT_PATH, dataExportRoute, ServiceDataExport } from './data-export.js';
