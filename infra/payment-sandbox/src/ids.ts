import { randomBytes } from 'node:crypto';

/** A fresh id with Stripe's prefix for its kind (`pi`, `ch`, `re`, `cus`, `pm`, `seti`, `evt`, `req`). */
export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** Unix seconds, as Stripe's `created` fields count. */
export const unixSeconds = (ms = Date.now()) => Math.floor(ms / 1000);
