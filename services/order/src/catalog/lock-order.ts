/**
 * Every transaction that changes several products' stock touches them in this one order
 * (ascending product id), so two of them can never wait on each other: placement reserves,
 * cancellation and expiry release, all through this.
 */
export function inProductLockOrder<T extends { productId: string }>(lines: readonly T[]): T[] {
  return [...lines].sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
}
