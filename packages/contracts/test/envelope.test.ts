import { Kafka, type CloudEvent, type KafkaMessage } from 'cloudevents';
import { createEvent, fromWireMessage, toWireMessage, InvalidEventError } from '../src/index.js';

const userId = '6f1c1f4e-6a4b-4a43-9d6e-2b7d8f7b1a11';

describe('CloudEvents envelope', () => {
  it('round-trips an event through its binary-mode Kafka form', () => {
    const event = createEvent('user.registered', {
      source: 'auth',
      subject: userId,
      data: { userId, email: 'a@example.com', name: 'Ada' },
    });
    const wire = toWireMessage(event);
    expect(wire.key).toBe(userId);
    expect(wire.topic).toBe('switchyard.users.v1');
    expect(wire.headers.ce_type).toBe('dev.switchyard.user.registered.v1');
    const parsed = fromWireMessage({
      value: Buffer.from(wire.value),
      headers: Object.fromEntries(
        Object.entries(wire.headers).map(([k, v]) => [k, Buffer.from(v)]),
      ),
    });
    expect(parsed).toEqual({ ...event, traceparent: undefined });
  });

  it('is read by the CloudEvents SDK with an absolute source and the trace as an extension', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const event = {
      ...createEvent('user.registered', {
        source: 'auth',
        subject: userId,
        data: { userId, email: 'a@example.com', name: 'Ada' },
      }),
      traceparent,
    };
    const wire = toWireMessage(event);
    const message: KafkaMessage<string> = {
      key: wire.key,
      value: wire.value,
      headers: wire.headers,
      body: wire.value,
      timestamp: String(Date.now()),
    };
    const received = Kafka.toEvent(message);
    const cloudEvent = (Array.isArray(received) ? received[0] : received) as CloudEvent<string>;
    expect(cloudEvent.validate()).toBe(true);
    // CloudEvents recommends an absolute URI for source.
    expect(new URL(cloudEvent.source).protocol).toBe('https:');
    // The distributed-tracing extension, so an SDK-based consumer keeps the trace.
    expect(cloudEvent.traceparent).toBe(traceparent);
    expect(fromWireMessage({ value: wire.value, headers: wire.headers }).traceparent).toBe(
      traceparent,
    );
  });

  it('refuses a payload that breaks its contract', () => {
    expect(() =>
      createEvent('user.registered', {
        source: 'auth',
        subject: userId,
        data: { userId, email: 'a@example.com' } as never,
      }),
    ).toThrow(InvalidEventError);
  });

  it('refuses a message of an unknown type, without headers, or with a non-JSON body', () => {
    const headers = {
      ce_specversion: '1.0',
      ce_id: '1',
      ce_type: 'dev.switchyard.nope.v1',
      ce_source: 'x',
      ce_subject: 'y',
      ce_time: new Date().toISOString(),
    };
    expect(() => fromWireMessage({ value: '{}', headers })).toThrow(/unknown event type/);
    expect(() => fromWireMessage({ value: '{}', headers: {} })).toThrow(/missing header/);
    expect(() =>
      fromWireMessage({
        value: 'not json',
        headers: { ...headers, ce_type: 'dev.switchyard.user.registered.v1' },
      }),
    ).toThrow(/not JSON/);
  });
});
