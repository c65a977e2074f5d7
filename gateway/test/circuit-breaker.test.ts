import { CircuitBreaker } from '../src/circuit-breaker.js';

describe('CircuitBreaker', () => {
  let clock = 0;
  const breaker = () =>
    new CircuitBreaker({
      failureThreshold: 3,
      openMs: 1000,
      trialTimeoutMs: 5000,
      now: () => clock,
    });
  beforeEach(() => {
    clock = 0;
  });

  it('opens after the threshold of consecutive failures and refuses requests', () => {
    const b = breaker();
    b.recordFailure();
    b.recordFailure();
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryAfterMs()).toBe(1000);
  });

  it('trip() opens at once, below the threshold, for the open time', () => {
    const b = breaker();
    b.trip();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    clock = 1000;
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    b.recordSuccess();
    expect(b.state).toBe('closed');
  });

  it('a success resets the count of consecutive failures', () => {
    const b = breaker();
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    expect(b.state).toBe('closed');
  });

  it('lets exactly one trial through when half-open; success closes, failure reopens', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure();
    clock = 1000;
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.recordFailure();
    expect(b.state).toBe('open');
    clock = 2000;
    expect(b.tryAcquire()).toBe(true);
    b.recordSuccess();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('frees the half-open slot when the trial is abandoned or outlives its time limit', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure();
    clock = 1000;
    expect(b.tryAcquire()).toBe(true);
    b.release(); // its client went away
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    clock = 1000 + 5000; // that trial never answered
    expect(b.tryAcquire()).toBe(true);
  });
});
