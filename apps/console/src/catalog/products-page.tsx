import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { LoadError } from '../ui/load-error';
import { formatMoney } from '../ui/money';
import { Notice } from '../ui/notice';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { TableScroll } from '../ui/table-scroll';
import { listProducts } from './catalog-api';

interface PagingState {
  previous?: (string | null)[];
  /** Set by the product form after a save, shown once here. */
  saved?: string;
}

/** The catalog by SKU, a page at a time, with a way to add a product and edit each. */
export function ProductsPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const state = (location.state as PagingState | null) ?? {};
  const previous = state.previous ?? [];
  const cursor = params.get('cursor');

  const products = useQuery({
    queryKey: ['products', cursor],
    queryFn: () => listProducts(cursor ?? undefined),
    placeholderData: keepPreviousData,
  });

  const show = (next: string | null, paging: PagingState) =>
    navigate({ search: next ? `?cursor=${encodeURIComponent(next)}` : '' }, { state: paging });

  return (
    <>
      <div className="page-title">
        <PageHeading title="Catalog">Catalog</PageHeading>
        <Link className="button" to="/products/new">
          Add a product
        </Link>
      </div>
      {state.saved && <Notice>{state.saved}</Notice>}
      <p className="lead">Products customers can order. Edit one to change its price or stock.</p>
      {products.isError && (
        <LoadError error={products.error} retry={() => void products.refetch()} />
      )}
      {products.isPending && <p role="status">Loading products…</p>}
      {products.data &&
        (products.data.items.length === 0 ? (
          <p className="empty">The catalog is empty.</p>
        ) : (
          <>
            <TableScroll label="Products">
              <table className="table table--products">
                <caption className="visually-hidden">Products by SKU</caption>
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col" className="numeric">
                      Price
                    </th>
                    <th scope="col" className="numeric">
                      Stock
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {products.data.items.map((product) => (
                    <tr key={product.id}>
                      <th scope="row">
                        <Link to={`/products/${product.id}`}>{product.name}</Link>
                        <span className="sku">{product.sku}</span>
                      </th>
                      <td className="numeric">{formatMoney(product.price)}</td>
                      <td className="numeric">{product.stock.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <Pager
              label="Catalog pages"
              hasPrevious={previous.length > 0}
              hasNext={products.data.nextCursor !== null}
              onPrevious={() => show(previous.at(-1) ?? null, { previous: previous.slice(0, -1) })}
              onNext={() => show(products.data.nextCursor, { previous: [...previous, cursor] })}
            />
          </>
        ))}
    </>
  );
}
