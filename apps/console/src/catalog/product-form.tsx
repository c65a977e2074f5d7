import { useState, type FormEvent } from 'react';
import { readableError, type ReadableError } from '../api/problem-message';
import { ErrorSummary } from '../ui/error-summary';
import { Field } from '../ui/field';
import { formatMoney, parseMoney, toDecimalText } from '../ui/money';
import type { NewProduct, Product } from './catalog-api';

const FORM = 'product';
const LABELS = {
  sku: 'SKU',
  name: 'Name',
  price: 'Price',
  currency: 'Currency',
  stock: 'Units in stock',
};

/** How the API names this form's fields in its 400 answers. */
const API_FIELDS = {
  'body/sku': 'sku',
  'body/name': 'name',
  'body/price/currency': 'currency',
  'body/price': 'price',
  'body/stock': 'stock',
};

/** A bound the API states in minor units ("must be <= 100000000"), in the currency typed. */
function priceMessage(currency: string) {
  return (message: string) => {
    const bound = /^must be (<=|>=) (\d+)$/.exec(message);
    if (!bound) return 'Enter a price the catalog accepts';
    const limit = formatMoney({ amount: Number(bound[2]), currency });
    return bound[1] === '<=' ? `Enter a price of at most ${limit}` : `Enter at least ${limit}`;
  };
}

interface ProductFormProps {
  /** The product being edited; absent for a new one. */
  product?: Product;
  submitLabel: string;
  /** Sends the values (only what changed, for an edit); throws the API's problem. */
  onSave: (values: NewProduct) => Promise<void>;
}

/**
 * A product's fields. Only what cannot be sent at all is checked here (a price that is not a
 * number); every rule of the catalog (SKU format, name length, price and stock bounds) is the
 * API's, and its 400 answer puts each refusal next to its field.
 */
export function ProductForm({ product, submitLabel, onSave }: ProductFormProps) {
  const [sku, setSku] = useState(product?.sku ?? '');
  const [name, setName] = useState(product?.name ?? '');
  const [currency, setCurrency] = useState(product?.price.currency ?? 'EUR');
  const [price, setPrice] = useState(
    product ? toDecimalText(product.price.amount, product.price.currency) : '',
  );
  const [stock, setStock] = useState(product ? String(product.stock) : '0');
  const [failure, setFailure] = useState<ReadableError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const fields: Record<string, string> = {};
    const code = currency.trim().toUpperCase();
    const parsedPrice = parseMoney(price, code);
    if (parsedPrice.error !== undefined) fields.price = parsedPrice.error;
    const units = stock.trim();
    if (!/^\d+$/.test(units)) fields.stock = 'Enter a whole number of units, like 25';
    if (Object.keys(fields).length > 0 || parsedPrice.error !== undefined) {
      setFailure({ message: 'Some fields need attention.', fields });
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await onSave({
        sku: sku.trim(),
        name: name.trim(),
        price: { amount: parsedPrice.minor, currency: code },
        stock: Number(units),
      });
    } catch (error) {
      const readable = readableError(error, {
        paths: API_FIELDS,
        messages: {
          price: priceMessage(code),
          sku: (message, humanised) =>
            message.startsWith('must match pattern')
              ? 'Use 2 to 40 capital letters, digits and hyphens, starting with a letter or digit'
              : humanised,
        },
      });
      // A taken SKU is the SKU field's problem.
      if (readable.status === 409 && !product)
        setFailure({ ...readable, fields: { sku: readable.message } });
      else setFailure(readable);
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={submitLabel}>
      {failure && (
        <ErrorSummary
          message={failure.message}
          form={FORM}
          fields={failure.fields}
          labels={LABELS}
        />
      )}
      {product ? (
        <div className="field">
          <span className="field__label">{LABELS.sku}</span>
          <p className="field__static">
            <code>{product.sku}</code> <span className="field__hint">(cannot be changed)</span>
          </p>
        </div>
      ) : (
        <Field
          formName={FORM}
          name="sku"
          label={LABELS.sku}
          hint="Capital letters, digits and hyphens, 2 to 40 characters, e.g. MUG-BLUE."
          autoComplete="off"
          spellCheck={false}
          value={sku}
          onChange={(e) => setSku(e.target.value)}
          error={failure?.fields.sku}
        />
      )}
      <Field
        formName={FORM}
        name="name"
        label={LABELS.name}
        autoComplete="off"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={failure?.fields.name}
      />
      <div className="field-row">
        <Field
          formName={FORM}
          name="price"
          label={LABELS.price}
          hint="For example 12.50"
          inputMode="decimal"
          autoComplete="off"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          error={failure?.fields.price}
        />
        <Field
          formName={FORM}
          name="currency"
          label={LABELS.currency}
          hint="ISO code, e.g. EUR"
          className="input--short"
          autoComplete="off"
          spellCheck={false}
          value={currency}
          onChange={(e) => setCurrency(e.target.value)}
          error={failure?.fields.currency}
        />
      </div>
      <Field
        formName={FORM}
        name="stock"
        label={LABELS.stock}
        inputMode="numeric"
        className="input--short"
        autoComplete="off"
        value={stock}
        onChange={(e) => setStock(e.target.value)}
        error={failure?.fields.stock}
      />
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}
