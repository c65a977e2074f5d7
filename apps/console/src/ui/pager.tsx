interface PagerProps {
  label: string;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}

/** Previous and next page of a cursor-paged list; nothing when there is one page only. */
export function Pager({ label, hasPrevious, hasNext, onPrevious, onNext }: PagerProps) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button button--secondary"
        disabled={!hasPrevious}
        onClick={onPrevious}
      >
        Previous page
      </button>
      <button
        type="button"
        className="button button--secondary"
        disabled={!hasNext}
        onClick={onNext}
      >
        Next page
      </button>
    </nav>
  );
}
