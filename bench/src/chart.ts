// A small line chart as SVG text (no dependency: two series, a log-scale y axis and a few
// labels are all the report needs; a charting library would bring a browser-sized renderer).

export interface Series {
  name: string;
  colour: string;
  points: [x: number, y: number][];
}

const W = 640;
const H = 360;
const PAD = { left: 64, right: 16, top: 32, bottom: 48 };
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Powers of ten (and their halves) spanning [min, max], for the log axis's ticks. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** p;
      if (v >= min && v <= max) ticks.push(v);
    }
  return ticks;
}

export function lineChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** A horizontal line worth seeing (a target), drawn dashed. */
  mark?: { y: number; label: string };
}): string {
  const points = options.series.flatMap((s) => s.points).filter(([, y]) => y > 0);
  const xs = points.map(([x]) => x);
  const ys = [...points.map(([, y]) => y), ...(options.mark ? [options.mark.y] : [])];
  const [xMin, xMax] = [0, Math.max(...xs) * 1.05];
  const [yMin, yMax] = [Math.min(...ys) / 1.5, Math.max(...ys) * 1.5];
  const x = (v: number) => PAD.left + ((v - xMin) / (xMax - xMin)) * (W - PAD.left - PAD.right);
  const y = (v: number) =>
    H -
    PAD.bottom -
    ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) *
      (H - PAD.top - PAD.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${escape(options.title)}</text>`,
  ];
  for (const t of logTicks(yMin, yMax))
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
    );
  const step = Math.max(10, Math.ceil(xMax / 8 / 10) * 10);
  for (let t = 0; t <= xMax; t += step)
    parts.push(`<text x="${x(t)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${t}</text>`);
  parts.push(
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#333"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#333"/>`,
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 12}" text-anchor="middle">${escape(options.xLabel)}</text>`,
    `<text transform="translate(16 ${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`,
  );
  if (options.mark)
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(options.mark.y)}" y2="${y(options.mark.y)}" stroke="#c00" stroke-dasharray="6 4"/>`,
      `<text x="${W - PAD.right - 4}" y="${y(options.mark.y) - 6}" text-anchor="end" fill="#c00">${escape(options.mark.label)}</text>`,
    );
  options.series.forEach((s, i) => {
    const shown = s.points.filter(([, v]) => v > 0).sort((a, b) => a[0] - b[0]);
    parts.push(
      `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${shown.map(([a, b]) => `${x(a)},${y(b)}`).join(' ')}"/>`,
      ...shown.map(([a, b]) => `<circle cx="${x(a)}" cy="${y(b)}" r="3" fill="${s.colour}"/>`),
      `<text x="${PAD.left + 12}" y="${PAD.top + 16 + i * 16}" fill="${s.colour}">${escape(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
