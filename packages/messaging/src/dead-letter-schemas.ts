import { Type, type Static } from '@sinclair/typebox';

/** A dead letter as the admin API shows it. */
export const DeadLetterView = Type.Object({
  topic: Type.String({ description: 'The topic the message was consumed from' }),
  partition: Type.Integer({ description: 'Its partition on the dead-letter topic' }),
  offset: Type.String({ description: 'Its offset on the dead-letter topic' }),
  key: Type.Union([Type.String(), Type.Null()]),
  eventId: Type.Union([Type.String(), Type.Null()]),
  eventType: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  deadLetteredAt: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Union([Type.String(), Type.Null()]),
});
export type DeadLetterView = Static<typeof DeadLetterView>;

const TopicName = (description?: string) =>
  Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$', description });

/** Where a dead letter sits: the consumed topic, and its partition and offset on the DLT. */
export const Position = Type.Object(
  {
    topic: TopicName(),
    partition: Type.Integer({ minimum: 0, maximum: 10_000 }),
    offset: Type.String({ pattern: '^[0-9]{1,19}$' }),
  },
  {
    examples: [{ topic: 'switchyard.orders.v1', partition: 0, offset: '42' }],
    additionalProperties: false,
  },
);

/** Which pending dead letters a bulk action takes: every given condition holds. */
export const DeadLetterFilter = Type.Object(
  {
    topic: Type.Optional(TopicName('The consumed topic')),
    eventType: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The CloudEvent type, exactly' }),
    ),
    reasonContains: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: '^[^\\u0000]*$',
        description: 'Part of the reason, ignoring case',
      }),
    ),
    deadLetteredBefore: Type.Optional(
      Type.String({ format: 'date-time', description: 'Dead-lettered before this time' }),
    ),
  },
  { additionalProperties: false },
);
export type DeadLetterFilter = Static<typeof DeadLetterFilter>;

/** A bulk replay or discard: the filter, a dry run to see what it matches, and how many. */
export const MatchingAction = Type.Object(
  {
    filter: DeadLetterFilter,
    dryRun: Type.Boolean({ description: 'Only count and show what would be acted on' }),
    limit: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 1000,
      description: 'Act on at most this many, oldest first',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      { filter: { eventType: 'dev.switchyard.payment.succeeded.v1' }, dryRun: true, limit: 100 },
    ],
  },
);
export type MatchingAction = Static<typeof MatchingAction>;

const matchedItems = Type.Array(DeadLetterView, {
  maxItems: 100,
  description: 'The first 100 acted on (on a dry run: that would be)',
});
const matched = Type.Integer({
  minimum: 0,
  description: 'Pending dead letters the filter matches (all of them, whatever the limit)',
});

export const ReplayMatchingResult = Type.Object({
  matched,
  replayed: Type.Integer({ minimum: 0, description: 'Replayed now; 0 on a dry run' }),
  items: matchedItems,
});

export const DiscardMatchingResult = Type.Object({
  matched,
  discarded: Type.Integer({ minimum: 0, description: 'Discarded now; 0 on a dry run' }),
  items: matchedItems,
});
