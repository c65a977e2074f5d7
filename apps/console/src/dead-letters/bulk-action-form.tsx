import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { readableError } from '../api/problem-message';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorSummary } from '../ui/error-summary';
import {
  discardMatching,
  replayMatching,
  type DeadLetterFilter,
  type DeadLetterService,
  type MatchingResult,
} from './dead-letters-api';

type Action = 'replay' | 'discard';
const ACTIONS = {
  replay: { run: replayMatching, verb: 'Replay', done: 'replayed' },
  discard: { run: discardMatching, verb: 'Discard', done: 'discarded' },
};

/**
 * Replay or discard every dead letter matching a filter: always a dry run first, showing how
 * many match and the first of them, then a confirmation naming the count.
 */
export function BulkActionForm({
  service,
  onDone,
}: {
  service: DeadLetterService;
  onDone: (message: string) => void;
}) {
  const [values, setValues] = useState({ eventType: '', reasonContains: '', before: '' });
  const [preview, setPreview] = useState<{
    action: Action;
    filter: DeadLetterFilter;
    result: MatchingResult;
  } | null>(null);
  const [confirming, setConfirming] = useState(false);

  const filterOf = (): DeadLetterFilter => ({
    ...(values.eventType.trim() ? { eventType: values.eventType.trim() } : {}),
    ...(values.reasonContains.trim() ? { reasonContains: values.reasonContains.trim() } : {}),
    ...(values.before ? { deadLetteredBefore: new Date(values.before).toISOString() } : {}),
  });
  const dryRun = useMutation({
    mutationFn: async ({ action, filter }: { action: Action; filter: DeadLetterFilter }) => ({
      action,
      filter,
      result: await ACTIONS[action].run(service, filter, true),
    }),
    onSuccess: setPreview,
  });
  const run = useMutation({
    mutationFn: ({ action, filter }: { action: Action; filter: DeadLetterFilter }) =>
      ACTIONS[action].run(service, filter, false),
    onSuccess: (result, { action }) => {
      setConfirming(false);
      setPreview(null);
      onDone(
        `${result.acted} ${result.acted === 1 ? 'message was' : 'messages were'} ${ACTIONS[action].done}.`,
      );
    },
    onError: () => setConfirming(false),
  });
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) => {
    setPreview(null);
    setValues({ ...values, [name]: event.target.value });
  };
  const preview_ = (action: Action) => (event?: FormEvent) => {
    event?.preventDefault();
    run.reset();
    dryRun.mutate({ action, filter: filterOf() });
  };
  const failure = dryRun.error ?? run.error;

  return (
    <section aria-labelledby="bulk-heading" className="panel">
      <h2 id="bulk-heading" className="panel__title">
        Act on all matching
      </h2>
      <p className="panel__subtitle">
        Leave a field empty to match any value. Every action shows what it would take first.
      </p>
      {failure && <ErrorSummary message={readableError(failure).message} />}
      <form
        className="filter-grid filter-grid--plain"
        onSubmit={preview_('replay')}
        aria-label="Dead letters to act on"
      >
        <div className="field">
          <label htmlFor="bulk-event-type">Event type</label>
          <input
            id="bulk-event-type"
            autoComplete="off"
            spellCheck={false}
            value={values.eventType}
            onChange={set('eventType')}
          />
        </div>
        <div className="field">
          <label htmlFor="bulk-reason">Error contains</label>
          <input
            id="bulk-reason"
            autoComplete="off"
            value={values.reasonContains}
            onChange={set('reasonContains')}
          />
        </div>
        <div className="field">
          <label htmlFor="bulk-before">Dead-lettered before</label>
          <input
            id="bulk-before"
            type="datetime-local"
            value={values.before}
            onChange={set('before')}
          />
        </div>
        <div className="filter-grid__actions actions">
          <button type="submit" className="button button--secondary" disabled={dryRun.isPending}>
            Preview replay
          </button>
          <button
            type="button"
            className="button button--secondary"
            disabled={dryRun.isPending}
            onClick={() => preview_('discard')()}
          >
            Preview discard
          </button>
        </div>
      </form>
      {preview && (
        <div className="bulk-preview" role="status">
          {preview.result.matched === 0 ? (
            <p>No dead letter matches.</p>
          ) : (
            <>
              <p>
                <strong>{preview.result.matched}</strong>{' '}
                {preview.result.matched === 1 ? 'dead letter matches' : 'dead letters match'}
                {preview.result.items.length < preview.result.matched
                  ? `; the first ${preview.result.items.length}:`
                  : ':'}
              </p>
              <ul className="plain-list">
                {preview.result.items.map((letter) => (
                  <li
                    key={`${letter.topic}/${letter.partition}/${letter.offset}`}
                    className="wrap-anywhere"
                  >
                    {letter.eventType ?? 'Unreadable message'} at offset {letter.offset}:{' '}
                    {letter.reason}
                  </li>
                ))}
              </ul>
              <button
                type="button"
                className={preview.action === 'discard' ? 'button button--danger' : 'button'}
                onClick={() => setConfirming(true)}
              >
                {ACTIONS[preview.action].verb} {preview.result.matched}…
              </button>
            </>
          )}
        </div>
      )}
      {preview && (
        <ConfirmDialog
          open={confirming}
          title={`${ACTIONS[preview.action].verb} ${preview.result.matched} dead letters?`}
          confirmLabel={`${ACTIONS[preview.action].verb} ${preview.result.matched}`}
          busy={run.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => run.mutate({ action: preview.action, filter: preview.filter })}
        >
          <p>
            {preview.action === 'replay'
              ? `Each goes back on its topic for the ${service} service to handle again.`
              : 'They are dropped for good; the audit trail records who discarded them.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
