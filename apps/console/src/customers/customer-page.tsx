import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { readableError } from '../api/problem-message';
import { AuditTable } from '../audit/audit-table';
import { useSession } from '../auth/use-session';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatDateTime } from '../ui/dates';
import { ErrorSummary } from '../ui/error-summary';
import { LoadError } from '../ui/load-error';
import { Notice } from '../ui/notice';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { StatusBadge } from '../ui/status-badge';
import {
  getUser,
  listSecurityEventsOf,
  ROLES,
  updateUser,
  type Role,
  type User,
} from './customers-api';

/** One account: who, its roles and state with the actions on them, and its security events. */
export function CustomerPage() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const session = useSession();
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDisable, setConfirmDisable] = useState(false);

  const user = useQuery({ queryKey: ['user', id], queryFn: () => getUser(id) });
  const change = useMutation({
    mutationFn: (changes: { disabled?: boolean; roles?: Role[] }) => updateUser(id, changes),
    onSuccess: (updated, changes) => {
      queryClient.setQueryData(['user', id], updated);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      void queryClient.invalidateQueries({ queryKey: ['security-events', id] });
      setConfirmDisable(false);
      setNotice(noticeFor(updated, changes));
    },
    onError: () => setConfirmDisable(false),
  });

  if (user.isError)
    return (
      <>
        <BackLink />
        <PageHeading title="Account">Account</PageHeading>
        <LoadError error={user.error} retry={() => void user.refetch()} />
      </>
    );
  if (!user.data) return <p role="status">Loading the account…</p>;
  const u = user.data;
  const isSelf = session.status === 'signed-in' && session.user.id === u.id;
  const isAdmin = u.roles.includes('admin');
  const run = (changes: { disabled?: boolean; roles?: Role[] }) => {
    setNotice(null);
    change.mutate(changes);
  };

  return (
    <>
      <BackLink />
      <div className="page-title">
        <PageHeading title={u.name}>{u.name}</PageHeading>
        {u.disabled ? (
          <StatusBadge tone="bad">Disabled</StatusBadge>
        ) : (
          <StatusBadge tone="good">Active</StatusBadge>
        )}
      </div>
      {notice && <Notice>{notice}</Notice>}
      {change.isError && <ErrorSummary message={readableError(change.error).message} />}
      <dl className="summary">
        <div className="summary__wide">
          <dt>Email address</dt>
          <dd className="wrap-anywhere">{u.email}</dd>
        </div>
        <div>
          <dt>Roles</dt>
          <dd>{u.roles.map((r) => ROLES[r as Role] ?? r).join(', ')}</dd>
        </div>
        <div>
          <dt>Joined</dt>
          <dd>{formatDateTime(u.createdAt)}</dd>
        </div>
        <div className="summary__wide">
          <dt>Account id</dt>
          <dd>
            <code className="wrap">{u.id}</code>
          </dd>
        </div>
      </dl>

      <div className="actions">
        {u.disabled ? (
          <button
            type="button"
            className="button"
            disabled={change.isPending}
            onClick={() => run({ disabled: false })}
          >
            Enable the account
          </button>
        ) : (
          !isSelf && (
            <button
              type="button"
              className="button button--danger"
              disabled={change.isPending}
              onClick={() => {
                setNotice(null);
                setConfirmDisable(true);
              }}
            >
              Disable the account…
            </button>
          )
        )}
        {isAdmin ? (
          !isSelf && (
            <button
              type="button"
              className="button button--secondary"
              disabled={change.isPending}
              onClick={() => run({ roles: u.roles.filter((r) => r !== 'admin') as Role[] })}
            >
              Revoke the admin role
            </button>
          )
        ) : (
          <button
            type="button"
            className="button button--secondary"
            disabled={change.isPending}
            onClick={() => run({ roles: [...(u.roles as Role[]), 'admin'] })}
          >
            Grant the admin role
          </button>
        )}
      </div>
      {isSelf && (
        <p className="field__hint">
          This is your own account: another admin can disable it or revoke its admin role.
        </p>
      )}

      <ConfirmDialog
        open={confirmDisable}
        title="Disable this account?"
        confirmLabel="Disable the account"
        busy={change.isPending}
        onCancel={() => setConfirmDisable(false)}
        onConfirm={() => change.mutate({ disabled: true })}
      >
        <p>
          <strong>{u.name}</strong> ({u.email}) is signed out everywhere at once and cannot sign in
          until the account is enabled again.
        </p>
      </ConfirmDialog>

      <SecurityEvents userId={u.id} />
    </>
  );
}

function noticeFor(user: User, changes: { disabled?: boolean; roles?: Role[] }): string {
  if (changes.disabled === true)
    return `${user.name}'s account is disabled and signed out everywhere.`;
  if (changes.disabled === false) return `${user.name}'s account is enabled again.`;
  return user.roles.includes('admin')
    ? `${user.name} now has the admin role.`
    : `${user.name} no longer has the admin role.`;
}

/** What auth's audit trail holds about the account, newest first. */
function SecurityEvents({ userId }: { userId: string }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const events = useQuery({
    queryKey: ['security-events', userId, cursor],
    queryFn: () => listSecurityEventsOf(userId, cursor),
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby="security-heading">
      <h2 id="security-heading">Security events</h2>
      {events.isError && <LoadError error={events.error} retry={() => void events.refetch()} />}
      {events.isPending && <p role="status">Loading security events…</p>}
      {events.data &&
        (events.data.items.length === 0 ? (
          <p className="empty">Nothing recorded for this account yet.</p>
        ) : (
          <AuditTable events={events.data.items} label="Security events" showTarget={false} />
        ))}
      {events.data && (
        <Pager
          label="Security event pages"
          hasPrevious={cursors.length > 1}
          hasNext={events.data.nextCursor !== null}
          onPrevious={() => setCursors(cursors.slice(0, -1))}
          onNext={() => setCursors([...cursors, events.data.nextCursor!])}
        />
      )}
    </section>
  );
}

function BackLink() {
  return (
    <p className="back-link">
      <Link to="/customers">Customers</Link>
    </p>
  );
}
