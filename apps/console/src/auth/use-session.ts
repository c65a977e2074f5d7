import { useSyncExternalStore } from 'react';
import { session, type SessionState } from './session';

/** The session's state, re-rendering on sign-in, sign-out and refusal. */
export const useSession = (): SessionState =>
  useSyncExternalStore(session.subscribe, session.snapshot);
