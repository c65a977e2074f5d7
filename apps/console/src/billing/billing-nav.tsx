import { NavLink } from 'react-router';

const PAGES = [
  { to: '/billing/subscriptions', label: 'Subscriptions' },
  { to: '/billing/plans', label: 'Plans' },
  { to: '/billing/invoices', label: 'Invoices' },
  { to: '/billing/credit-notes', label: 'Credit notes' },
];

/** The billing screens, one link each. */
export function BillingNav() {
  return (
    <nav className="sub-nav" aria-label="Billing">
      <ul>
        {PAGES.map((page) => (
          <li key={page.to}>
            <NavLink to={page.to}>{page.label}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
