import { createRequire } from 'node:module';
import { AppError } from '@switchyard/service-kit';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';

// Mozilla's list of common passwords (as used by Firefox Accounts).
const commonPasswords = createRequire(import.meta.url)('fxa-common-password-list') as {
  test(password: string): boolean;
};

/** Why a new password is refused, or null when it is acceptable (OWASP/NIST style rules). */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (commonPasswords.test(password)) return 'is too common; choose a less guessable password';
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase())
    return 'must not be your email';
  return null;
}

export function assertAcceptablePassword(password: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem) {
    throw new AppError('VALIDATION_FAILED', `password ${problem}`, [
      { path: 'body/password', message: problem },
    ]);
  }
}
