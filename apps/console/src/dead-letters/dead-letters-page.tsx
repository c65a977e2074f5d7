import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { readableError } from '../api/problem-message';
import { formatDateTime } from '../ui/dates';
import { ErrorSummary } from '../ui/error-summary';
import { LoadError } from '../ui/load-error';
import { Notice } from '../ui/notice';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { TableScroll } from '../ui/table-scroll';
import { useCursorPaging } from '../ui/use-cursor-paging';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { BulkActionForm } from './bulk-action-form';
import {
  DEAD_LETTER_SERVICES,
  discardDeadLetter,
  isDeadLetterService,
  listDeadLetters,
  replayDeadLetter,
  type DeadLetter,
} from './dead-letters-api';

/**
 * What each service's consumer gave up on after its retries, with the error, and a way to
 * put a message back on its topic once the cause is fixed.
 */
export function DeadLettersPage() {
  const paging = useCursorPaging();
  const requested = paging.params.get('service');
  const service = isDeadLetterService(requested) ? requested : DEAD_LETTER_SERVICES[0];
  const [notice, setNotice] = useState<string | null>(null);
  const queryClient = useQueryClient();

  const letters = useQuery({
    queryKey: ['dead-letters', service, paging.cursor],
    queryFn: () => listDeadLetters(service, paging.cursor),
    placeholderData: keepPreviousData,
  });
  const [discarding, setDiscarding] = useState<DeadLetter | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['dead-letters', service] });
  const replay = useMutation({
    mutationFn: (letter: DeadLetter) => replayDeadLetter(service, letter),
    onSuccess: (letter) => {
      setNotice(`${letter.eventType ?? 'The message'} was put back on ${letter.topic}.`);
      refresh();
    },
  });
  const discard = useMutation({
    mutationFn: (letter: DeadLetter) => discardDeadLetter(service, letter),
    onSuccess: (_, letter) => {
      setDiscarding(null);
      setNotice(`${letter.eventType ?? 'The message'} at offset ${letter.offset} was discarded.`);
      refresh();
    },
    onError: () => setDiscarding(null),
  });
  const failure = replay.error ?? discard.error;

  return (
    <>
      <PageHeading title="Dead letters">Dead letters</PageHeading>
      <p className="lead">
        Events a service could not handle after its retries. Fix the cause, then replay them onto
        their topic, or discard what should never be handled.
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="dead-letter-service">Service</label>
        <select
          id="dead-letter-service"
          value={service}
          onChange={(e) => {
            setNotice(null);
            paging.filter({ service: e.target.value });
          }}
        >
          {DEAD_LETTER_SERVICES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </form>
      {notice && <Notice>{notice}</Notice>}
      {failure && <ErrorSummary message={readableError(failure).message} />}
      {letters.isError && <LoadError error={letters.error} retry={() => void letters.refetch()} />}
      {letters.isPending && <p role="status">Loading dead letters…</p>}
      {letters.data &&
        (letters.data.items.length === 0 ? (
          <p className="empty">The {service} service has no dead letters.</p>
        ) : (
          <TableScroll label="Dead letters">
            <table className="table">
              <caption className="visually-hidden">Dead letters, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Error</th>
                  <th scope="col">Dead-lettered</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {letters.data.items.map((letter) => (
                  <tr key={`${letter.topic}/${letter.partition}/${letter.offset}`}>
                    <th scope="row">
                      {letter.eventType ?? 'Unreadable message'}
                      <span className="sku wrap-anywhere">
                        {letter.topic} · partition {letter.partition} · offset {letter.offset}
                      </span>
                    </th>
                    <td className="wrap-anywhere">{letter.reason}</td>
                    <td>{letter.deadLetteredAt ? formatDateTime(letter.deadLetteredAt) : '—'}</td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        disabled={replay.isPending || discard.isPending}
                        aria-label={`Replay ${letter.eventType ?? 'message'} at offset ${letter.offset}`}
                        onClick={() => {
                          setNotice(null);
                          replay.mutate(letter);
                        }}
                      >
                        Replay
                      </button>
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        disabled={replay.isPending || discard.isPending}
                        aria-label={`Discard ${letter.eventType ?? 'message'} at offset ${letter.offset}`}
                        onClick={() => {
                          setNotice(null);
                          setDiscarding(letter);
                        }}
                      >
                        Discard…
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ))}
      <ConfirmDialog
        open={discarding !== null}
        title="Discard this dead letter?"
        confirmLabel="Discard"
        busy={discard.isPending}
        onCancel={() => setDiscarding(null)}
        onConfirm={() => discarding && discard.mutate(discarding)}
      >
        <p>
          {discarding?.eventType ?? 'The message'} at offset {discarding?.offset} is dropped for
          good and never handled. The audit trail records who discarded it.
        </p>
      </ConfirmDialog>
      {letters.data && (
        <Pager
          label="Dead letter pages"
          hasPrevious={paging.hasPrevious}
          hasNext={letters.data.nextCursor !== null}
          onPrevious={paging.back}
          onNext={() => paging.next(letters.data.nextCursor!)}
        />
      )}
      <BulkActionForm
        key={service}
        service={service}
        onDone={(message) => {
          setNotice(message);
          refresh();
        }}
      />
    </>
  );
}
