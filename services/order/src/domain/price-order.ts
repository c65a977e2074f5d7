import { MAX_MINOR_UNITS } from '@switchyard/contracts';
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
 * unknown or inactive products and mixed currencies, and a total larger than any amount the
 * platform carries. Integer minor units throughout.
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
  // Every amount is an integer column and an event field bounded by MAX_MINOR_UNITS, in this
  // service and in payment (charges, refunds); a bigger total could be neither stored nor
  // charged. Exact here: at most 50 lines × 100 units × 10^8 is far below 2^53.
  if (totalMinor > MAX_MINOR_UNITS) {
    throw new AppError(
      'UNPROCESSABLE',
      `the order's total, ${totalMinor} minor units of ${currency}, is more than one order may total (${MAX_MINOR_UNITS}); place it as several orders`,
    );
  }
  return { lines, totalMinor, currency };
}
