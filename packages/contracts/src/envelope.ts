import './formats.js';
import { randomUUID } from 'node:crypto';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TObject } from '@sinclair/typebox';
import { eventCatalog, eventNameOfCeType, type EventName, type EventPayload } from './events.js';

/** A domain event as the code sees it; the wire form is CloudEvents 1.0 binary mode. */
export interface EventEnvelope<N extends EventName = EventName> {
  id: string;
  name: N;
  source: string;
  /** The aggregate id: the Kafka key, so one aggregate's events stay ordered. */
  subject: string;
  time: string;
  data: EventPayload<N>;
  traceparent?: string;
}

export interface WireMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

const checkers = new Map<EventName, TypeCheck<TObject>>();
function checkerFor(name: EventName): TypeCheck<TObject> {
  let checker = checkers.get(name);
  if (!checker) {
    checker = TypeCompiler.Compile(eventCatalog[name].schema);
    checkers.set(name, checker);
  }
  return checker;
}

/** Validate a payload against its contract; throws InvalidEventError naming the first problem. */
export function assertPayload<N extends EventName>(name: N, data: unknown): EventPayload<N> {
  const checker = checkerFor(name);
  if (!checker.Check(data)) {
    const first = checker.Errors(data).First();
    throw new InvalidEventError(
      `${name} payload invalid at '${first?.path ?? ''}': ${first?.message ?? 'unknown'}`,
    );
  }
  return data as EventPayload<N>;
}

/**
 * CloudEvents recommends an absolute URI for `source`: a service's events come from
 * https://switchyard.dev/services/<service>. Already absolute sources are kept.
 */
export function eventSource(service: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(service)
    ? service
    : `https://switchyard.dev/services/${encodeURIComponent(service)}`;
}

export function createEvent<N extends EventName>(
  name: N,
  options: { source: string; subject: string; data: EventPayload<N>; id?: string; time?: Date },
): EventEnvelope<N> {
  return {
    id: options.id ?? randomUUID(),
    name,
    source: eventSource(options.source),
    subject: options.subject,
    time: (options.time ?? new Date()).toISOString(),
    data: assertPayload(name, options.data),
  };
}

export function toWireMessage(event: EventEnvelope): WireMessage {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: event.id,
    ce_type: eventCatalog[event.name].ceType,
    ce_source: event.source,
    ce_subject: event.subject,
    ce_time: event.time,
    'content-type': 'application/json',
  };
  if (event.traceparent) {
    // Twice: `traceparent` for OpenTelemetry's Kafka propagation, and the CloudEvents
    // distributed-tracing extension (`ce_traceparent` in binary mode) for CloudEvents SDKs.
    headers.traceparent = event.traceparent;
    headers.ce_traceparent = event.traceparent;
  }
  return {
    topic: eventCatalog[event.name].topic,
    key: event.subject,
    value: JSON.stringify(event.data),
    headers,
  };
}

type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

function header(headers: RawHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/** Parse and validate a Kafka message; anything malformed is an InvalidEventError. */
export function fromWireMessage(message: {
  value: Buffer | string | null;
  headers?: RawHeaders;
}): EventEnvelope {
  const headers = message.headers ?? {};
  const required = (name: string): string => {
    const value = header(headers, name);
    if (!value) throw new InvalidEventError(`missing header ${name}`);
    return value;
  };
  if (required('ce_specversion') !== '1.0') throw new InvalidEventError('unsupported specversion');
  const ceType = required('ce_type');
  const name = eventNameOfCeType(ceType);
  if (!name) throw new InvalidEventError(`unknown event type ${ceType}`);
  if (message.value === null) throw new InvalidEventError('empty message body');
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString());
  } catch {
    throw new InvalidEventError('body is not JSON');
  }
  return {
    id: required('ce_id'),
    name,
    source: required('ce_source'),
    subject: required('ce_subject'),
    time: required('ce_time'),
    data: assertPayload(name, data),
    traceparent: header(headers, 'ce_traceparent') ?? header(headers, 'traceparent'),
  };
}
