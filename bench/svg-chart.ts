/**
 * A dependency-free SVG line chart for the benchmarks' curves: axes with ticks, one polyline (with dots) per series,
 * a legend and a title. The x axis may be logarithmic, because the benchmarks' sizes (100, 1,000, 3,000) are
 * spread over decades and a linear axis would crowd the small ones into a corner.
 */

export interface Series {
  name: string;
  points: readonly (readonly [x: number, y: number])[];
}

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  xLog?: boolean;
  /** A horizontal reference line, e.g. a limit the curve must stay under. */
  limit?: { y: number; label: string };
}

export const SIZE = { width: 700, height: 400, left: 72, right: 200, top: 40, bottom: 56 } as const;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
/** Each series also has its own dash, so a series lying exactly on another still shows. */
const DASHES = ['', '9 5', '3 3', '12 3 3 3'];

/** Where a data point lands in the plot area, given the data's ranges (exported for the unit test). */
export function mapPoint(
  x: number,
  y: number,
  range: { xMin: number; xMax: number; yMax: number },
  xLog = false,
): [number, number] {
  const plotW = SIZE.width - SIZE.left - SIZE.right;
  const plotH = SIZE.height - SIZE.top - SIZE.bottom;
  const fx = (v: number) => (xLog ? Math.log10(v) : v);
  const span = fx(range.xMax) - fx(range.xMin);
  const tx = span === 0 ? 0.5 : (fx(x) - fx(range.xMin)) / span;
  const ty = range.yMax === 0 ? 0 : y / range.yMax;
  return [round(SIZE.left + tx * plotW), round(SIZE.top + plotH - ty * plotH)];
}

/** The chart as an SVG document. The y axis starts at 0 so the shapes compare honestly. */
export function lineChart(chart: Chart): string {
  const xs = chart.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = [...chart.series.flatMap((s) => s.points.map(([, y]) => y)), chart.limit?.y ?? 0];
  const range = { xMin: Math.min(...xs), xMax: Math.max(...xs), yMax: niceCeil(Math.max(...ys, 0)) };
  const at = (x: number, y: number) => mapPoint(x, y, range, chart.xLog);
  const bottom = SIZE.height - SIZE.bottom;
  const right = SIZE.width - SIZE.right;
  const parts: string[] = [
    `<title>${esc(chart.title)}</title>`,
    `<rect width="${SIZE.width}" height="${SIZE.height}" fill="white"/>`,
    `<text x="${SIZE.width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(chart.title)}</text>`,
    `<line x1="${SIZE.left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${SIZE.left}" y1="${SIZE.top}" x2="${SIZE.left}" y2="${bottom}" stroke="black"/>`,
  ];
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    const [px] = at(x, 0);
    parts.push(`<line x1="${px}" y1="${bottom}" x2="${px}" y2="${bottom + 5}" stroke="black"/>`);
    parts.push(`<text x="${px}" y="${bottom + 18}" text-anchor="middle" font-size="11">${fmt(x)}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const y = (range.yMax * i) / 5;
    const [, py] = at(range.xMin, y);
    parts.push(`<line x1="${SIZE.left - 5}" y1="${py}" x2="${right}" y2="${py}" stroke="#ddd"/>`);
    parts.push(`<text x="${SIZE.left - 8}" y="${py + 4}" text-anchor="end" font-size="11">${fmt(y)}</text>`);
  }
  parts.push(
    `<text x="${(SIZE.left + right) / 2}" y="${SIZE.height - 14}" text-anchor="middle" font-size="12">${esc(chart.xLabel)}${chart.xLog ? ' (log scale)' : ''}</text>`,
    `<text transform="translate(16 ${(SIZE.top + bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(chart.yLabel)}</text>`,
  );
  if (chart.limit) {
    const [, py] = at(range.xMin, chart.limit.y);
    parts.push(`<line x1="${SIZE.left}" y1="${py}" x2="${right}" y2="${py}" stroke="#888" stroke-dasharray="6 4"/>`);
    parts.push(
      `<text x="${right - 4}" y="${py - 5}" text-anchor="end" font-size="11" fill="#555">${esc(chart.limit.label)}</text>`,
    );
  }
  chart.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const dash = DASHES[i % DASHES.length] ? ` stroke-dasharray="${DASHES[i % DASHES.length]}"` : '';
    const pts = [...series.points].sort((a, b) => a[0] - b[0]).map(([x, y]) => at(x, y));
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${pts.map((p) => p.join(',')).join(' ')}"/>`,
    );
    for (const [px, py] of pts) parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${colour}"/>`);
    const ly = SIZE.top + 10 + i * 20;
    parts.push(
      `<line x1="${right + 16}" y1="${ly}" x2="${right + 40}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`,
    );
    parts.push(`<text x="${right + 46}" y="${ly + 4}" font-size="12">${esc(series.name)}</text>`);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE.width}" height="${SIZE.height}" viewBox="0 0 ${SIZE.width} ${SIZE.height}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;
}

/** The next round figure at or above `v` (1, 2, 2.5, 5 × 10^n), so tick labels read cleanly. */
export function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

function fmt(v: number): string {
  if (v >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return String(Number(v.toPrecision(3)));
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
