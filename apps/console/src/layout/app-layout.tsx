import { NavLink, Outlet } from 'react-router';
import { session } from '../auth/session';
import { useSession } from '../auth/use-session';

/** The screens that exist, in the order staff use them. */
const SECTIONS = [
  { to: '/dashboard', label: 'Dashboard' },
  { to: '/orders', label: 'Orders' },
  { to: '/products', label: 'Catalog' },
  { to: '/customers', label: 'Customers' },
  { to: '/billing', label: 'Billing' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/dead-letters', label: 'Dead letters' },
  { to: '/audit', label: 'Audit' },
];

/**
 * Every signed-in screen: a skip link to the content, the banner with who is signed in and
 * sign-out, the main navigation, and the screen itself in <main>.
 */
export function AppLayout() {
  const state = useSession();
  const user = state.status === 'signed-in' ? state.user : null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="banner">
        <div className="banner__inner">
          <p className="brand">
            Switchyard <span className="brand__product">console</span>
          </p>
          <div className="banner__user">
            {user && (
              <span className="banner__name" title={user.email}>
                {user.name}
              </span>
            )}
            <button
              type="button"
              className="button button--on-dark"
              onClick={() => void session.signOut()}
            >
              Sign out
            </button>
          </div>
        </div>
        <nav className="main-nav" aria-label="Main">
          <ul>
            {SECTIONS.map((section) => (
              <li key={section.to}>
                <NavLink to={section.to}>{section.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
