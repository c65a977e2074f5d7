import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './use-session';

/**
 * The screens behind it need a signed-in admin; anyone else goes to the sign-in page, which
 * brings them back here afterwards. (The API checks the role on every call; this only spares
 * people screens that would refuse them.)
 */
export function RequireStaff({ children }: { children: ReactNode }) {
  const state = useSession();
  const location = useLocation();
  if (state.status !== 'signed-in') {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/sign-in" replace state={{ from }} />;
  }
  return children;
}
