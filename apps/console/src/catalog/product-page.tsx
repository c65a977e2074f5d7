import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { LoadError } from '../ui/load-error';
import { PageHeading } from '../ui/page-heading';
import {
  createProduct,
  getProduct,
  updateProduct,
  type NewProduct,
  type Product,
  type ProductChanges,
} from './catalog-api';
import { ProductForm } from './product-form';

/** What differs from the product as loaded: the API takes only changes (and at least one). */
function changesOf(product: Product, values: NewProduct): ProductChanges {
  const changes: ProductChanges = {};
  if (values.name !== product.name) changes.name = values.name;
  if (
    values.price.amount !== product.price.amount ||
    values.price.currency !== product.price.currency
  )
    changes.price = values.price;
  if (values.stock !== product.stock) changes.stock = values.stock;
  return changes;
}

function BackLink() {
  return (
    <p className="back-link">
      <Link to="/products">Catalog</Link>
    </p>
  );
}

/** Add a product to the catalog. */
export function NewProductPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <>
      <BackLink />
      <PageHeading title="Add a product">Add a product</PageHeading>
      <ProductForm
        submitLabel="Add the product"
        onSave={async (values) => {
          const created = await createProduct(values);
          // The list loads afresh rather than show what it was before.
          queryClient.removeQueries({ queryKey: ['products'] });
          navigate('/products', { state: { saved: `${created.name} was added.` } });
        }}
      />
    </>
  );
}

/** Change a product's name, price or stock. */
export function EditProductPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const product = useQuery({ queryKey: ['product', id], queryFn: () => getProduct(id) });

  return (
    <>
      <BackLink />
      <PageHeading title={product.data ? `Edit ${product.data.name}` : 'Edit a product'}>
        {product.data ? `Edit ${product.data.name}` : 'Edit a product'}
      </PageHeading>
      {product.isError && <LoadError error={product.error} retry={() => void product.refetch()} />}
      {product.isPending && <p role="status">Loading the product…</p>}
      {product.data && (
        <ProductForm
          key={product.data.id}
          product={product.data}
          submitLabel="Save changes"
          onSave={async (values) => {
            const changes = changesOf(product.data, values);
            let saved = product.data;
            if (Object.keys(changes).length > 0) saved = await updateProduct(id, changes);
            queryClient.setQueryData(['product', id], saved);
            queryClient.removeQueries({ queryKey: ['products'] });
            navigate('/products', {
              state: {
                saved:
                  Object.keys(changes).length > 0
                    ? `${saved.name} was saved.`
                    : `Nothing changed in ${saved.name}.`,
              },
            });
          }}
        />
      )}
    </>
  );
}
