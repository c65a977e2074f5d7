import { useLocation, useNavigate, useSearchParams } from 'react-router';

/** The cursors of the pages before this one, kept in the history entry (Back works too). */
interface PagingState {
  previous?: (string | null)[];
  /** A confirmation set by the screen before, shown once. */
  saved?: string;
}

/**
 * A cursor-paged list whose filters live in the address (shareable, Back restores them): the
 * current filters and cursor, and moves to the next page, the page before, or new filters
 * (which start again at the first page).
 */
export function useCursorPaging() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const state = (location.state as PagingState | null) ?? {};
  const previous = state.previous ?? [];
  const cursor = params.get('cursor');

  const go = (filters: URLSearchParams, next: string | null, paging: PagingState) => {
    const search = new URLSearchParams(filters);
    search.delete('cursor');
    if (next) search.set('cursor', next);
    navigate({ search: search.toString() }, { state: paging });
  };
  return {
    params,
    cursor: cursor ?? undefined,
    saved: state.saved,
    hasPrevious: previous.length > 0,
    next: (nextCursor: string) => go(params, nextCursor, { previous: [...previous, cursor] }),
    back: () => go(params, previous.at(-1) ?? null, { previous: previous.slice(0, -1) }),
    /** New filters: empty values are left out of the address. */
    filter: (values: Record<string, string | undefined>) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(values)) if (value) search.set(key, value);
      go(search, null, {});
    },
  };
}
