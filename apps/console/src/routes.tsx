import { createBrowserRouter, Navigate } from 'react-router';
import { RequireStaff } from './auth/require-staff';
import { SignInPage } from './auth/sign-in-page';
import { EditProductPage, NewProductPage } from './catalog/product-page';
import { ProductsPage } from './catalog/products-page';
import { AppLayout } from './layout/app-layout';
import { NotFoundPage } from './layout/not-found-page';
import { OrderPage } from './orders/order-page';
import { OrdersPage } from './orders/orders-page';

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
        { index: true, element: <Navigate to="/orders" replace /> },
        { path: 'orders', element: <OrdersPage /> },
        { path: 'orders/:id', element: <OrderPage /> },
        { path: 'products', element: <ProductsPage /> },
        { path: 'products/new', element: <NewProductPage /> },
        { path: 'products/:id', element: <EditProductPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  // The base the build is made for (vite.config.ts), without its closing slash.
  { basename: import.meta.env.BASE_URL.replace(/\/$/, '') },
);
