// The saga's published figures: the median run of three with its spread, and the chart's
// points placed on a log axis (a p99 of 40 ms and one of 4 s must both be readable).
import { lineChart } from '../src/chart.js';
import { medianRun, type SagaRun } from '../src/saga-run.js';

const run = (stackCpuPerOrder: number): SagaRun =>
  ({ rate: 30, stackCpuPerOrder }) as unknown as SagaRun;

describe('saga figures', () => {
  it('publishes the median run and the spread over runs', () => {
    const { median, min, max } = medianRun([run(40), run(12), run(25)], (r) => r.stackCpuPerOrder);
    expect([median.stackCpuPerOrder, min, max]).toEqual([25, 12, 40]);
  });

  it('takes the lower middle of an even count rather than inventing a run', () => {
    const { median } = medianRun([run(3), run(1), run(4), run(2)], (r) => r.stackCpuPerOrder);
    expect(median.stackCpuPerOrder).toBe(2);
  });

  it('draws each point on a log scale: a decade is the same height wherever it is', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 'p99',
          colour: '#000',
          points: [
            [10, 10],
            [20, 100],
            [30, 1000],
          ],
        },
      ],
    });
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(3);
    expect(ys[0]! - ys[1]!).toBeCloseTo(ys[1]! - ys[2]!, 6);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
