import { Type } from '@sinclair/typebox';

const Outcome = Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]);

/** How a `processing` payment settles, or how an authentication ends. */
export const OutcomeParams = Type.Object({ outcome: Outcome }, { additionalProperties: false });

export const AdvanceClock = Type.Object(
  { advance_seconds: Type.Integer({ minimum: 0, maximum: 10 * 365 * 86_400 }) },
  { additionalProperties: false },
);
