export interface Bar {
  label: string;
  value: number;
  /** The value as the reader should see it ("€120.00", "3"). */
  text: string;
  tone?: 'primary' | 'danger' | 'muted';
}

/**
 * Horizontal bars, one row each: its label, a bar in inline SVG scaled to the largest value,
 * and the figure in words. The words are what a screen reader reads; the bars are decoration
 * for the eye (no inline style: the gateway's Content-Security-Policy allows none).
 */
export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <figure className="chart">
      <figcaption className="chart__title">{title}</figcaption>
      <ul className="chart__rows">
        {bars.map((bar) => (
          <li key={bar.label}>
            <span className="chart__label">{bar.label}</span>
            <svg
              className="chart__track"
              viewBox="0 0 100 10"
              preserveAspectRatio="none"
              aria-hidden="true"
              focusable="false"
            >
              <rect
                className={`chart__bar chart__bar--${bar.tone ?? 'primary'}`}
                width={bar.value > 0 ? Math.max(1, (100 * bar.value) / max) : 0}
                height="10"
              />
            </svg>
            <span className="chart__value">{bar.text}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
