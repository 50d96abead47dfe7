import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvHeader, csvRow, jsonLine, parseSince } from '../../../../src/core/audit/export-format.ts';
import { parseCsv } from '../../../support/csv.ts';

const base = { id: '1700000000000-0', type: 'refused', at: 1_700_000_000_000, actor: 'U0ALICE' };

describe('csvCell', () => {
  it.each([
    ['plain', '"plain"'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line1\nline2', '"line1\nline2"'],
    ['crlf\r\ninside', '"crlf\r\ninside"'],
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+1', `"'+1+1"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['', '""'],
    ['a=b', '"a=b"'],
  ])('%j → %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('csvRow', () => {
  it('round-trips hostile values through an RFC 4180 parser, formulas neutralised', () => {
    const event = {
      ...base,
      actor: '=cmd|" /C calc"!A0',
      cluster: 'prod-cluster',
      requestId: 'R1,2',
      detail: { reason: 'line one\nline "two", three', code: '-1' },
    };

    const rows = parseCsv(csvHeader() + csvRow(event));

    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(['id', 'time', 'type', 'actor', 'cluster', 'requestId', 'detail']);
    expect(rows[1]?.[3]).toBe(`'=cmd|" /C calc"!A0`);
    expect(rows[1]?.[5]).toBe('R1,2');
    expect(JSON.parse(rows[1]?.[6] ?? '')).toEqual(event.detail);
    expect(rows[1]?.[1]).toBe('2023-11-14T22:13:20.000Z');
  });

  it('any text survives a round trip (with the apostrophe only before a formula start)', () => {
    fc.assert(
      fc.property(fc.string(), (actor) => {
        const [row] = parseCsv(csvRow({ ...base, actor }));
        const expected = /^[=+\-@\t\r]/.test(actor) ? `'${actor}` : actor;
        expect(row?.[3]).toBe(expected);
      }),
    );
  });
});

describe('jsonLine', () => {
  it('is one line of JSON carrying the event as stored', () => {
    const line = jsonLine({ ...base, detail: { text: 'a\nb' } });

    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ ...base, time: '2023-11-14T22:13:20.000Z', detail: { text: 'a\nb' } });
  });
});

describe('parseSince', () => {
  it.each([
    ['7d', 7 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['2w', 14 * 86_400_000],
    ['7', undefined],
    ['7y', undefined],
    ['-1d', undefined],
    ['', undefined],
  ])('%j → %j', (text, expected) => {
    expect(parseSince(text)).toBe(expected);
  });
});
