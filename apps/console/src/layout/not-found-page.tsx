import { Link } from 'react-router';
import { PageHeading } from '../ui/page-heading';

/** A console address that names no screen. */
export function NotFoundPage() {
  return (
    <>
      <PageHeading title="Page not found">Page not found</PageHeading>
      <p>There is no console screen at this address.</p>
      <p>
        <Link to="/orders">Go to the orders</Link>
      </p>
    </>
  );
}
