import { readableError } from '../api/problem-message';

/** A screen whose data could not be loaded: what happened, and a way to try again. */
export function LoadError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="error-summary" role="alert">
      <h2 className="error-summary__title">This could not be loaded</h2>
      <p>{readableError(error).message}</p>
      <button type="button" className="button button--secondary" onClick={retry}>
        Try again
      </button>
    </div>
  );
}
