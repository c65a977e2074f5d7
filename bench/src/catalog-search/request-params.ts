// A request's querystring as the order service's route hands it on after validation: numbers
// and booleans coerced, `category` always a list (it may repeat).

/** The querystring of a path as `GET /v1/products`'s validated query. */
export function paramsOf(path: string): Record<string, unknown> {
  const search = new URL(path, 'http://bench').searchParams;
  const params: Record<string, unknown> = { limit: 50 };
  for (const [name, value] of search) {
    if (name === 'category') params.category = [...((params.category as string[]) ?? []), value];
    else if (['limit', 'minPrice', 'maxPrice'].includes(name)) params[name] = Number(value);
    else if (name === 'inStock') params[name] = value === 'true';
    else params[name] = value;
  }
  return params;
}
