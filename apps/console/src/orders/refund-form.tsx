import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { readableError, type ReadableError } from '../api/problem-message';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorSummary } from '../ui/error-summary';
import { Field } from '../ui/field';
import { formatMoney, parseMoney, toDecimalText, type Money } from '../ui/money';
import { newRefundKey, refundable, refundPayment, type Payment } from './orders-api';
import { shortId } from './short-id';

const LABELS = { amount: 'Amount to refund', reason: 'Reason' };
const REASON_MAX = 500;

/** A refund asked for and confirmed: its key is reused only to send the same refund again. */
interface Attempt {
  amount: Money;
  reason: string;
  idempotencyKey: string;
}

/**
 * Refund a payment, fully or in part: the amount (at most what is left) and a reason, checked
 * here first, then confirmed in a dialog before anything is sent.
 */
export function RefundForm({
  payment,
  onRefunded,
}: {
  payment: Payment;
  onRefunded: (amount: Money) => void;
}) {
  const left = refundable(payment);
  const form = `refund-${payment.id}`;
  const [amountText, setAmountText] = useState(() => toDecimalText(left.amount, left.currency));
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<ReadableError | null>(null);
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  /** The last attempt whose outcome is unknown (no answer, or a 5xx): retried with its key. */
  const unsettled = useRef<Attempt | null>(null);
  const queryClient = useQueryClient();

  const refund = useMutation({
    mutationFn: refundPayment,
    onSuccess: (_refund, sent) => {
      unsettled.current = null;
      setAttempt(null);
      setFailure(null);
      setReason('');
      void queryClient.invalidateQueries({ queryKey: ['order'] });
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      onRefunded(sent.amount);
    },
    onError: (error, sent) => {
      const status = readableError(error).status;
      unsettled.current = status === undefined || status >= 500 ? sent : null;
      setAttempt(null);
      setFailure(
        readableError(error, { paths: { 'body/amount': 'amount', 'body/reason': 'reason' } }),
      );
    },
  });

  function review(event: FormEvent) {
    event.preventDefault();
    const fields: Record<string, string> = {};
    const parsed = parseMoney(amountText, left.currency);
    if (parsed.error !== undefined) fields.amount = parsed.error;
    else if (parsed.minor <= 0) fields.amount = 'Enter an amount more than 0';
    else if (parsed.minor > left.amount)
      fields.amount = `Enter at most ${formatMoney(left)}, what is left to refund`;
    if (!reason.trim()) fields.reason = 'Say why the money is refunded';
    else if (reason.trim().length > REASON_MAX)
      fields.reason = `Use at most ${REASON_MAX} characters`;
    if (Object.keys(fields).length > 0 || parsed.error !== undefined) {
      setFailure({ message: 'The refund cannot be made as it is.', fields });
      return;
    }
    setFailure(null);
    const amount = { amount: parsed.minor, currency: left.currency };
    const again = unsettled.current;
    const same = again && again.amount.amount === amount.amount && again.reason === reason.trim();
    setAttempt({
      amount,
      reason: reason.trim(),
      idempotencyKey: same ? again.idempotencyKey : newRefundKey(),
    });
  }

  return (
    <form
      className="refund-form"
      onSubmit={review}
      noValidate
      aria-label={`Refund payment ${shortId(payment.id)}`}
    >
      <h4 className="refund-form__title">Refund</h4>
      {failure && (
        <ErrorSummary
          message={failure.message}
          form={form}
          fields={failure.fields}
          labels={LABELS}
        />
      )}
      <Field
        formName={form}
        name="amount"
        label={`${LABELS.amount} (${left.currency})`}
        hint={`Up to ${formatMoney(left)}. The full amount refunds everything that is left.`}
        inputMode="decimal"
        autoComplete="off"
        value={amountText}
        onChange={(e) => setAmountText(e.target.value)}
        error={failure?.fields.amount}
      />
      <Field
        formName={form}
        name="reason"
        label={LABELS.reason}
        hint="Kept with the refund, e.g. damaged in transit."
        autoComplete="off"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={failure?.fields.reason}
      />
      <button type="submit" className="button">
        Refund…
      </button>
      <ConfirmDialog
        open={attempt !== null}
        title="Confirm the refund"
        confirmLabel={attempt ? `Refund ${formatMoney(attempt.amount)}` : 'Refund'}
        busy={refund.isPending}
        onCancel={() => setAttempt(null)}
        onConfirm={() => attempt && refund.mutate({ paymentId: payment.id, ...attempt })}
      >
        {attempt && (
          <p>
            Refund <strong>{formatMoney(attempt.amount)}</strong> of the{' '}
            {formatMoney(payment.amount)} paid? The customer gets it back on the card they paid
            with. A refund cannot be undone.
          </p>
        )}
      </ConfirmDialog>
    </form>
  );
}
