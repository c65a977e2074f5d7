import { createBrowserRouter, Navigate } from 'react-router';
import { AuditPage } from './audit/audit-page';
import { RequireStaff } from './auth/require-staff';
import { DocumentsPage } from './billing/documents-page';
import { PlansPage } from './billing/plans-page';
import { SubscriptionsPage } from './billing/subscriptions-page';
import { CustomerPage } from './customers/customer-page';
import { CustomersPage } from './customers/customers-page';
import { DashboardPage } from './dashboard/dashboard-page';
import { DeadLettersPage } from './dead-letters/dead-letters-page';
import { SignInPage } from './auth/sign-in-page';
import { EditProductPage, NewProductPage } from './catalog/product-page';
import { ProductsPage } from './catalog/products-page';
import { AppLayout } from './layout/app-layout';
import { NotFoundPage } from './layout/not-found-page';
import { OrderPage } from './orders/order-page';
import { OrdersPage } from './orders/orders-page';
import { WebhookEndpointPage } from './webhooks/webhook-endpoint-page';
import { WebhooksPage } from './webhooks/webhooks-page';

/** Every screen of the console, under the path the gateway serves it at. */
export const router = createBrowserRouter(
  [
    { path: '/sign-in', element: <SignInPage /> },
    {
      path: '/',
      element: (
        <RequireStaff>
          <AppLayout />
        </RequireStaff>
      ),
      children: [
        { index: true, element: <Navigate to="/dashboard" replace /> },
        { path: 'dashboard', element: <DashboardPage /> },
        { path: 'orders', element: <OrdersPage /> },
        { path: 'orders/:id', element: <OrderPage /> },
        { path: 'products', element: <ProductsPage /> },
        { path: 'products/new', element: <NewProductPage /> },
        { path: 'products/:id', element: <EditProductPage /> },
        { path: 'customers', element: <CustomersPage /> },
        { path: 'customers/:id', element: <CustomerPage /> },
        { path: 'webhooks', element: <WebhooksPage /> },
        { path: 'webhooks/:id', element: <WebhookEndpointPage /> },
        { path: 'dead-letters', element: <DeadLettersPage /> },
        { path: 'billing', element: <Navigate to="/billing/subscriptions" replace /> },
        { path: 'billing/subscriptions', element: <SubscriptionsPage /> },
        { path: 'billing/plans', element: <PlansPage /> },
        { path: 'billing/invoices', element: <DocumentsPage key="invoices" kind="invoices" /> },
        {
          path: 'billing/credit-notes',
          element: <DocumentsPage key="credit-notes" kind="credit-notes" />,
        },
        { path: 'audit', element: <AuditPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  // The base the build is made for (vite.config.ts), without its closing slash.
  { basename: import.meta.env.BASE_URL.replace(/\/$/, '') },
);
