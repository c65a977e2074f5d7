import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { readableError, type ReadableError } from '../api/problem-message';
import { ErrorSummary } from '../ui/error-summary';
import { Field } from '../ui/field';
import { Notice } from '../ui/notice';
import { PageHeading } from '../ui/page-heading';
import { session } from './session';
import { useSession } from './use-session';

const FORM = 'sign-in';
const LABELS = { email: 'Email address', password: 'Password' };

/** Staff sign in with their Switchyard account; only accounts with the admin role get in. */
export function SignInPage() {
  const state = useSession();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<ReadableError | null>(null);
  const [busy, setBusy] = useState(false);

  if (state.status === 'signed-in') {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/sign-in' ? from : '/orders'} replace />;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!email.trim()) missing.email = 'Enter your email address';
    if (!password) missing.password = 'Enter your password';
    if (Object.keys(missing).length > 0) {
      setFailure({ message: 'Enter your email address and password.', fields: missing });
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await session.signIn(email.trim(), password);
      setPassword('');
    } catch (error) {
      const readable = readableError(error, {
        paths: { 'body/email': 'email', 'body/password': 'password' },
      });
      setFailure(
        readable.status === 401
          ? { message: 'The email address or password is not right.', fields: {} }
          : readable,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <div className="sign-in__panel">
        <p className="brand brand--on-light">Switchyard</p>
        <PageHeading title="Sign in">Sign in to the console</PageHeading>
        {state.status === 'refused' ? (
          <div className="error-summary" role="alert">
            <h2 className="error-summary__title">This account cannot use the console</h2>
            <p>
              You signed in as <strong>{state.email}</strong>, which is not a staff account. The
              console is for administrators only; ask one to grant your account the admin role if
              you need it.
            </p>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => session.reset()}
            >
              Sign in with another account
            </button>
          </div>
        ) : (
          <>
            {state.notice && !failure && <Notice>{state.notice}</Notice>}
            {failure && (
              <ErrorSummary
                message={failure.message}
                form={FORM}
                fields={failure.fields}
                labels={LABELS}
              />
            )}
            <form onSubmit={submit} noValidate aria-label="Sign in">
              <Field
                formName={FORM}
                name="email"
                label={LABELS.email}
                type="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                error={failure?.fields.email}
              />
              <Field
                formName={FORM}
                name="password"
                label={LABELS.password}
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                error={failure?.fields.password}
              />
              <button type="submit" className="button" disabled={busy}>
                {busy ? 'Signing in…' : 'Sign in'}
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}
