/** What the payment service needs of a payment provider (a card processor). */
export interface ChargeRequest {
  /** The provider deduplicates on this: the same key never charges twice. */
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  paymentMethod: string;
}

export type ChargeResult =
  | { status: 'succeeded'; chargeId: string }
  | { status: 'declined'; chargeId: string; reason: string };

export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeResult>;
}
