import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../ui/dates';
import { LoadError } from '../ui/load-error';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { StatusBadge } from '../ui/status-badge';
import { TableScroll } from '../ui/table-scroll';
import { useCursorPaging } from '../ui/use-cursor-paging';
import { listUsers, ROLES, type Role } from './customers-api';

const isRole = (value: string | null): value is Role => value !== null && value in ROLES;

/** Every account, searchable by email, role and whether it is disabled. */
export function CustomersPage() {
  const paging = useCursorPaging();
  const { params } = paging;
  const email = params.get('email') ?? '';
  const requestedRole = params.get('role');
  const role = isRole(requestedRole) ? requestedRole : undefined;
  const state = params.get('state');
  const disabled = state === 'disabled' ? true : state === 'active' ? false : undefined;

  const users = useQuery({
    queryKey: ['users', email, role, disabled, paging.cursor],
    queryFn: () =>
      listUsers({
        ...(email ? { email } : {}),
        ...(role ? { role } : {}),
        ...(disabled !== undefined ? { disabled } : {}),
        ...(paging.cursor ? { cursor: paging.cursor } : {}),
      }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeading title="Customers">Customers</PageHeading>
      <p className="lead">
        Accounts of customers and staff. Open one to disable it or change its roles.
      </p>
      <SearchForm
        key={params.toString()}
        email={email}
        role={role ?? ''}
        state={disabled === undefined ? '' : state!}
        onSearch={paging.filter}
      />
      {users.isError && <LoadError error={users.error} retry={() => void users.refetch()} />}
      {users.isPending && <p role="status">Loading accounts…</p>}
      {users.data && (
        <>
          <p className="visually-hidden" role="status">
            {users.data.items.length === 0
              ? 'No accounts found'
              : `Showing ${users.data.items.length} accounts`}
          </p>
          {users.data.items.length === 0 ? (
            <p className="empty">No account matches this search.</p>
          ) : (
            <TableScroll label="Accounts">
              <table className="table">
                <caption className="visually-hidden">Accounts, oldest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">Roles</th>
                    <th scope="col">State</th>
                    <th scope="col">Joined</th>
                  </tr>
                </thead>
                <tbody>
                  {users.data.items.map((user) => (
                    <tr key={user.id}>
                      <th scope="row">
                        <Link to={`/customers/${user.id}`}>{user.name}</Link>
                        <span className="sku wrap-anywhere">{user.email}</span>
                      </th>
                      <td>{user.roles.map((r) => ROLES[r as Role] ?? r).join(', ')}</td>
                      <td>
                        {user.disabled ? (
                          <StatusBadge tone="bad">Disabled</StatusBadge>
                        ) : (
                          <StatusBadge tone="good">Active</StatusBadge>
                        )}
                      </td>
                      <td>{formatDateTime(user.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <Pager
            label="Account pages"
            hasPrevious={paging.hasPrevious}
            hasNext={users.data.nextCursor !== null}
            onPrevious={paging.back}
            onNext={() => paging.next(users.data.nextCursor!)}
          />
        </>
      )}
    </>
  );
}

function SearchForm(props: {
  email: string;
  role: string;
  state: string;
  onSearch: (values: Record<string, string | undefined>) => void;
}) {
  const [email, setEmail] = useState(props.email);
  const [role, setRole] = useState(props.role);
  const [state, setState] = useState(props.state);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSearch({ email: email.trim(), role, state });
  };
  return (
    <form className="filter-grid" onSubmit={submit} aria-label="Search accounts">
      <div className="field">
        <label htmlFor="customer-email">Email contains</label>
        <input
          id="customer-email"
          type="search"
          autoComplete="off"
          spellCheck={false}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="customer-role">Role</label>
        <select id="customer-role" value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">Any role</option>
          {(Object.keys(ROLES) as Role[]).map((r) => (
            <option key={r} value={r}>
              {ROLES[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="customer-state">State</label>
        <select id="customer-state" value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">Active or disabled</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
        </select>
      </div>
      <div className="filter-grid__actions">
        <button type="submit" className="button">
          Search
        </button>
      </div>
    </form>
  );
}
