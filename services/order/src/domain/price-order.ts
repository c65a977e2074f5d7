import { AppError } from '@switchyard/service-kit';

export interface CatalogProduct {
  id: string;
  name: string;
  priceMinor: number;
  currency: string;
  active: boolean;
}

export interface RequestedLine {
  productId: string;
  quantity: number;
}

export interface PricedLine {
  productId: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  totalMinor: number;
  currency: string;
}

export const MAX_UNITS_PER_LINE = 100;

/**
 * Price an order from the catalog, never from the client: merge repeated products, refuse
 * unknown or inactive products and mixed currencies. Integer minor units throughout.
 */
export function priceOrder(
  requested: RequestedLine[],
  catalog: Map<string, CatalogProduct>,
): PricedOrder {
  const quantities = new Map<string, number>();
  for (const line of requested) {
    quantities.set(line.productId, (quantities.get(line.productId) ?? 0) + line.quantity);
  }
  const lines: PricedLine[] = [];
  let currency: string | null = null;
  let totalMinor = 0;
  for (const [productId, quantity] of quantities) {
    const product = catalog.get(productId);
    if (!product || !product.active) {
      throw new AppError('UNPROCESSABLE', `product ${productId} is not available`);
    }
    if (quantity > MAX_UNITS_PER_LINE) {
      throw new AppError(
        'UNPROCESSABLE',
        `at most ${MAX_UNITS_PER_LINE} units of one product per order`,
      );
    }
    if (currency && product.currency !== currency) {
      throw new AppError('UNPROCESSABLE', 'all products of an order must share one currency');
    }
    currency = product.currency;
    totalMinor += product.priceMinor * quantity;
    lines.push({ productId, name: product.name, quantity, unitPriceMinor: product.priceMinor });
  }
  if (!currency) throw new AppError('UNPROCESSABLE', 'an order needs at least one line');
  return { lines, totalMinor, currency };
}
