export { repoRoot } from './repo-root.js';
export { waitFor, waitForHttp } from './wait-for.js';
export {
  prepareTestDatabase,
  resetDatabase,
  testDatabaseTag,
  testDatabaseUrl,
  queryDb,
} from './test-database.js';
export {
  startKafka,
  testKafka,
  testProducer,
  testKafkaBrokers,
  createKafkaNamespace,
  deleteKafkaNamespace,
} from './kafka.js';
export { startJwksServer, type JwksServer } from './jwks-server.js';
export { startProcess, type RunningProcess } from './process.js';
export { publishEvent, publishRaw, readTopic, parseMessage } from './events.js';
export {
  setupServiceTest,
  startServiceUnderTest,
  type ServiceTestContext,
  type ServiceUnderTest,
} from './service-test.js';
export { freePort } from './free-port.js';
export { markDenylistSynced } from './denylist.js';
export {
  startSmtpCapture,
  fetchCapturedEmails,
  type SmtpCapture,
  type CapturedEmail,
} from './smtp-capture.js';
export { startPlatform, type Platform, type PlatformOptions, type Replica } from './platform.js';
export { consumedEvents, metricValue } from './consumed-events.js';
export { openEventStream, type EventStreamClient } from './event-stream-client.js';
export { startWebhookReceiver, verifyStandardWebhook, type Received } from './webhook-receiver.js';
export { takeDatabaseOffline, loseRedisData, startTcpProxy, type TcpProxy } from './faults.js';
export { startSilentServer, type SilentServer } from './silent-server.js';
export { describeDatabaseTimeouts, type DatabaseTimeoutsOptions } from './database-timeouts.js';
export { startScriptedSmtp, type ScriptedSmtp } from './scripted-smtp.js';
export { OpenApiConformance, type Exchange } from './openapi-conformance.js';
export { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
export { consumerState, readyz, isConsuming } from './readiness.js';
export {
  chargesAfterCancellation,
  findInconsistencies,
  listProviderCharges,
  type ProviderCharge,
} from './consistency.js';
export {
  booksPerCurrency,
  findBillingInconsistencies,
  oneDocumentPerMovement,
  periodsChargedOnce,
  type BillingInconsistencies,
  type BillingInvariant,
} from './billing-consistency.js';
export { readBillingLedger, type BillingLedger } from './billing-ledger.js';
export {
  auditEntries,
  runVerifyAuditChain,
  tamperAuditEntry,
  verifyBeforeAndAfterTampering,
  withFailingCommits,
} from './audit-trail.js';
export { writeDeadLetter } from './dead-letters.js';
export {
  sharedPlatform,
  startSharedPlatform,
  stopSharedPlatform,
  type SharedPlatform,
} from './shared-platform.js';
