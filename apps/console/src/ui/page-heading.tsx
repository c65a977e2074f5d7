import { useEffect, useRef, type ReactNode } from 'react';

/** The first page the app shows keeps the browser's own focus; every later one moves it. */
let firstPageShown = false;

/**
 * A screen's h1 and the document title. After a client-side navigation, focus moves to the
 * heading, as a full page load would put a screen reader at the top of the new page.
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Switchyard console`;
    if (firstPageShown) ref.current?.focus();
    firstPageShown = true;
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
