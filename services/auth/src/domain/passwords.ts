import { hash, verify, type Algorithm } from '@node-rs/argon2';

// @node-rs/argon2 exports Algorithm as a const enum, which isolated modules cannot read.
const ARGON2ID = 2 as Algorithm;

// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
const options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

// A real hash of a random secret: verifying against it for an unknown email takes as long as
// a wrong password for a known one, so timing does not reveal which emails exist.
let dummyHash: Promise<string> | null = null;
function timingDummy(): Promise<string> {
  dummyHash ??= hash(crypto.randomUUID(), options);
  return dummyHash;
}

/** Verify a password; `storedHash` null means "no such user" and still costs one verify. */
export async function verifyPassword(
  storedHash: string | null,
  password: string,
): Promise<boolean> {
  const target = storedHash ?? (await timingDummy());
  const ok = await verify(target, password).catch(() => false);
  return storedHash !== null && ok;
}
