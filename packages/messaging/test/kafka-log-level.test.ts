import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from '../src/kafka.js';

/**
 * kafkajs logs every protocol error a broker answers at ERROR, also the ones it retries by
 * itself (a coordinator still loading after a broker start). Those are warnings: an error
 * log line is what operators alert on, and a fresh start printed three of them.
 */
describe('kafkajs log levels', () => {
  const response = (error: string) => ({
    namespace: 'Connection',
    label: 'ERROR',
    timestamp: '2026-12-01T00:00:00.000Z',
    logger: 'kafkajs',
    message: 'Response GroupCoordinator(key: 10, version: 2)',
    error,
  });

  it.each([
    "The coordinator is loading and hence can't process requests for this group",
    'The group coordinator is not available',
    'This is not the correct coordinator for this group',
    'There is no leader for this topic-partition as we are in the middle of a leadership election',
  ])('logs a response the client retries (%s) as a warning', (error) => {
    expect(kafkaLogLevel(logLevel.ERROR, response(error))).toBe('warn');
  });

  it('keeps a response that will not be retried an error', () => {
    expect(
      kafkaLogLevel(
        logLevel.ERROR,
        response('Not authorized to access topics: [Topic authorization failed]'),
      ),
    ).toBe('error');
  });

  it('keeps every other error an error, and other levels as they are', () => {
    const crash = { ...response('whatever'), message: 'Crash: KafkaJSNumberOfRetriesExceeded' };
    expect(kafkaLogLevel(logLevel.ERROR, crash)).toBe('error');
    expect(kafkaLogLevel(logLevel.WARN, response('x'))).toBe('warn');
    expect(kafkaLogLevel(logLevel.INFO, response('x'))).toBe('info');
  });
});
