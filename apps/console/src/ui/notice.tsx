import type { ReactNode } from 'react';

/** A short confirmation that an action worked, announced politely. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}
