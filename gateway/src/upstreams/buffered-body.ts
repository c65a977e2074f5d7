import { Readable } from 'node:stream';

const BYTES = Symbol('switchyard.bufferedBody');

type BufferedBody = Readable & { byteLength: number; [BYTES]: Buffer };

/**
 * A request body the gateway has read whole, handed to reply-from as a stream (it would
 * re-encode a Buffer as JSON) that still carries its bytes, so the upstream pool can send the
 * same bytes again to another replica when the first one could not be reached.
 */
export const bufferedBody = (bytes: Buffer): BufferedBody =>
  Object.assign(Readable.from([bytes]), { byteLength: bytes.length, [BYTES]: bytes });

/** The bytes of a body made by `bufferedBody`, or undefined for any other body. */
export const bytesOf = (body: unknown): Buffer | undefined =>
  (body as Partial<BufferedBody> | null | undefined)?.[BYTES];
