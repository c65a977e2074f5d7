import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { SwitchyardProblem } from '@switchyard/client';
import { session } from './auth/session';

/** The API no longer accepts the session (revoked, account disabled): back to sign-in. */
function endRefusedSession(error: unknown): void {
  if (error instanceof SwitchyardProblem && error.status === 401) session.end();
}

/** Answers that asking again cannot change. */
const isFinal = (error: unknown) =>
  error instanceof SwitchyardProblem && error.status >= 400 && error.status < 500;

/**
 * The cache of API answers every screen reads through. A refused session ends it; a client
 * error is not retried (it would be answered the same), anything else twice.
 */
export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: endRefusedSession }),
  mutationCache: new MutationCache({ onError: endRefusedSession }),
  defaultOptions: {
    queries: {
      retry: (failures, error) => !isFinal(error) && failures < 2,
      staleTime: 10_000,
    },
  },
});

// Whatever the last session loaded is not the next one's to see.
session.subscribe(() => {
  if (session.snapshot().status !== 'signed-in') queryClient.clear();
});
