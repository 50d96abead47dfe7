import { describe, expect, it } from 'vitest';
import { lineChart, mapPoint, niceCeil, SIZE } from '../../../bench/svg-chart.ts';

const plotLeft = SIZE.left;
const plotRight = SIZE.width - SIZE.right;
const plotTop = SIZE.top;
const plotBottom = SIZE.height - SIZE.bottom;

/** Tags open and close in order, attributes are quoted, and text holds no raw `<` or bare `&`. */
function wellFormed(xml: string): { ok: boolean; elements: string[] } {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const elements: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let consumed = 0;
  for (const m of body.matchAll(token)) {
    consumed += m[0].length;
    const [, closing, name, , selfClosing, text] = m;
    if (text !== undefined) {
      if (/&(?!amp;|lt;|gt;|quot;)/.test(text)) return { ok: false, elements };
      continue;
    }
    if (closing) {
      if (stack.pop() !== name) return { ok: false, elements };
    } else {
      elements.push(name ?? '');
      if (!selfClosing) stack.push(name ?? '');
    }
  }
  return { ok: consumed === body.length && stack.length === 0, elements };
}

describe('SVG line chart', () => {
  it('maps the data range onto the plot area, y from zero at the bottom', () => {
    const range = { xMin: 100, xMax: 3000, yMax: 200 };
    expect(mapPoint(100, 0, range)).toEqual([plotLeft, plotBottom]);
    expect(mapPoint(3000, 200, range)).toEqual([plotRight, plotTop]);
    const [, midY] = mapPoint(100, 100, range);
    expect(midY).toBeCloseTo((plotTop + plotBottom) / 2, 0);
  });

  it('spaces decades evenly on a log x axis', () => {
    const range = { xMin: 10, xMax: 1000, yMax: 1 };
    const [x100] = mapPoint(100, 0, range, true);
    expect(x100).toBeCloseTo((plotLeft + plotRight) / 2, 0);
    // Linear, 100 sits near the left edge instead.
    const [linear] = mapPoint(100, 0, range, false);
    expect(linear).toBeLessThan(x100 - 100);
  });

  it('puts a single x value in the middle instead of dividing by zero', () => {
    const [x] = mapPoint(5, 1, { xMin: 5, xMax: 5, yMax: 2 });
    expect(x).toBeCloseTo((plotLeft + plotRight) / 2, 0);
  });

  it('rounds the y axis up to a round figure', () => {
    expect(niceCeil(87)).toBe(100);
    expect(niceCeil(101)).toBe(200);
    expect(niceCeil(230)).toBe(250);
    expect(niceCeil(0)).toBe(1);
  });

  it('writes a well-formed SVG with a title, one polyline per series, a legend entry each, escaped text', () => {
    const svg = lineChart({
      title: 'Calls <per> cycle & more',
      xLabel: 'grants',
      yLabel: 'calls',
      xLog: true,
      series: [
        {
          name: '1 cluster',
          points: [
            [100, 10],
            [1000, 12],
            [3000, 14],
          ],
        },
        {
          name: '50 clusters',
          points: [
            [3000, 90],
            [100, 60],
          ],
        },
      ],
      limit: { y: 600, label: 'budget' },
    });
    const parsed = wellFormed(svg);
    expect(parsed.ok).toBe(true);
    expect(parsed.elements[0]).toBe('svg');
    expect(parsed.elements.filter((e) => e === 'polyline')).toHaveLength(2);
    expect(parsed.elements.filter((e) => e === 'circle')).toHaveLength(5);
    expect(svg).toContain('<title>Calls &lt;per&gt; cycle &amp; more</title>');
    expect(svg).toContain('>50 clusters</text>');
    expect(svg).toContain('stroke-dasharray');
    // Points of a series are drawn left to right whatever order they came in.
    const second = /<polyline[^>]*#d62728[^>]*points="([^"]+)"/.exec(svg)?.[1] ?? '';
    const xs = second.split(' ').map((p) => Number(p.split(',')[0]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    // The limit (600) sets the top of the y axis (rounded up to 1,000).
    expect(svg).toContain('>1,000</text>');
  });

  it('the well-formedness check itself rejects broken markup', () => {
    expect(wellFormed('<svg><g></svg></g>').ok).toBe(false);
    expect(wellFormed('<svg><text>a & b</text></svg>').ok).toBe(false);
    expect(wellFormed('<svg><text>a &amp; b</text></svg>').ok).toBe(true);
  });
});
