import type { AuditContext } from '@switchyard/audit';
import type { SecretBox } from '@switchyard/service-kit';
import { recordAuthEvent, signingKeyTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { newSigningKey } from './new-signing-key.js';

export interface RotationResult {
  kid: string;
  activatesAt: Date;
  retired: string[];
}

/**
 * Add a new signing key. It is published in the JWKS at once but signs only after
 * `activationDelaySeconds`, so every verifier's cache can learn it first. Keys superseded
 * longer ago than the access-token lifetime are retired (unpublished): no live token needs them.
 * The rotation is recorded in the audit trail: the new key's id, when it signs, what retired.
 */
export async function rotateSigningKey(
  db: Db,
  options: {
    activationDelaySeconds: number;
    accessTokenTtlSeconds: number;
    /** Seals the new private key (SIGNING_KEY_SEALING_KEY). */
    sealing: SecretBox;
    /** Who rotates (the command's operator). */
    by: AuditContext;
    now?: Date;
  },
): Promise<RotationResult> {
  const now = options.now ?? new Date();
  const activatesAt = new Date(now.getTime() + options.activationDelaySeconds * 1000);
  const key = await newSigningKey(options.sealing, activatesAt);
  return db.$transaction(async (tx) => {
    await tx.signingKey.create({ data: key });
    const live = await tx.signingKey.findMany({
      where: { retiredAt: null },
      orderBy: { activatesAt: 'asc' },
    });
    const retired: string[] = [];
    // A key can go once its successor has been signing for longer than a token lives.
    for (let i = 0; i < live.length - 1; i++) {
      const successor = live[i + 1]!;
      const supersededFor = now.getTime() - successor.activatesAt.getTime();
      if (supersededFor > options.accessTokenTtlSeconds * 1000) {
        await tx.signingKey.update({ where: { kid: live[i]!.kid }, data: { retiredAt: now } });
        retired.push(live[i]!.kid);
      }
    }
    await recordAuthEvent(tx, options.by, {
      action: 'signing_key.rotated',
      target: signingKeyTarget(key.kid),
      details: { activatesAt: activatesAt.toISOString(), retired },
    });
    return { kid: key.kid, activatesAt, retired };
  });
}
