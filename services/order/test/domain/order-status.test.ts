import { canTransition, ORDER_STATUSES, type OrderStatus } from '../../src/domain/order-status.js';

describe('order state machine', () => {
  it('allows the lifecycle moves', () => {
    const moves: [OrderStatus, OrderStatus][] = [
      ['pending_payment', 'paid'],
      ['pending_payment', 'cancelled'],
      ['paid', 'fulfilled'],
      ['paid', 'refunded'],
      ['paid', 'partially_refunded'],
      ['fulfilled', 'refunded'],
      ['partially_refunded', 'refunded'],
    ];
    for (const [from, to] of moves)
      expect([from, to, canTransition(from, to)]).toEqual([from, to, true]);
  });

  it('rejects everything else, including leaving a terminal state', () => {
    const illegal: [OrderStatus, OrderStatus][] = [
      ['pending_payment', 'fulfilled'],
      ['paid', 'pending_payment'],
      ['paid', 'cancelled'],
      ['cancelled', 'paid'],
      ['refunded', 'paid'],
      ['fulfilled', 'paid'],
    ];
    for (const [from, to] of illegal)
      expect([from, to, canTransition(from, to)]).toEqual([from, to, false]);
    for (const to of ORDER_STATUSES) {
      expect(canTransition('cancelled', to)).toBe(false);
      expect(canTransition('refunded', to)).toBe(false);
    }
  });
});
