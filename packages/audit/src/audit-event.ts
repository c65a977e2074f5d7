/**
 * Who acted: a signed-in person acting on their own account (`user`), a person acting with the
 * admin role (`admin`), a machine client (`client`), the platform itself or an operator's
 * command line (`system`, e.g. `cli:alice`), or a caller not yet identified (`anonymous`: a
 * failed sign-in, a presented refresh token).
 */
export const ACTOR_TYPES = ['user', 'admin', 'client', 'system', 'anonymous'] as const;
export type AuditActorType = (typeof ACTOR_TYPES)[number];

export interface AuditActor {
  type: AuditActorType;
  /** The user's or client's id, the system's name; null for `anonymous`. */
  id: string | null;
}

/** What the action was done to: `user` + its id, `machine_client` + its client id, … */
export interface AuditTarget {
  type: string;
  id: string;
}

/** Before and after of each field an action changed (a created thing has no before: null). */
export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

/** Where an action came from: the request (nothing for a command line or a job). */
export interface AuditOrigin {
  /** The client's address as the service determined it (past trusted proxies only). */
  ip?: string | null;
  userAgent?: string | null;
  /** The request id (x-request-id) the gateway gave the request. */
  requestId?: string | null;
  /** The OpenTelemetry trace id; the active span's when not given. */
  traceId?: string | null;
}

/** Who acted and from where. */
export interface AuditContext extends AuditOrigin {
  actor: AuditActor;
}

/** One action to record. */
export interface AuditEntry extends AuditContext {
  /** The hash chain it joins (docs/decisions/0018-audit-trail.md: one per service). */
  stream: string;
  /** `<thing>.<what happened>`, e.g. `user.role_granted`. */
  action: string;
  target?: AuditTarget | null;
  changes?: FieldChanges | null;
  /** Facts about the action that are no field of the target: a reason, an expiry. */
  details?: Record<string, unknown> | null;
}

/** An entry as stored: every field that its hash covers, the hash, and the one before. */
export interface StoredAuditEvent {
  id: string;
  stream: string;
  seq: string;
  occurredAt: string;
  actor: AuditActor;
  action: string;
  target: AuditTarget | null;
  changes: FieldChanges | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  traceId: string | null;
  prevHash: string;
  hash: string;
}
