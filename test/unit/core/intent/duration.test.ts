import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  durationSyntaxMs,
  formatDuration,
  MAX_DURATION_MS,
  MIN_DURATION_MS,
  parseDuration,
} from '../../../../src/core/intent/duration.ts';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['4h', 4 * H],
    ['4 h', 4 * H],
    ['30m', 30 * M],
    ['1m', M],
    ['45 min', 45 * M],
    ['10 mins', 10 * M],
    ['1 minute', M],
    ['90 minutes', 90 * M],
    ['2 hours', 2 * H],
    ['1 hr', H],
    ['3hrs', 3 * H],
    ['1d', D],
    ['2 days', 2 * D],
    ['30d', 30 * D],
    ['1h30m', 90 * M],
    ['1h 30m', 90 * M],
    ['1 hour and 30 minutes', 90 * M],
    ['1d, 2h', 26 * H],
    ['1.5h', 90 * M],
    ['an hour', H],
    ['a day', D],
    ['half an hour', 30 * M],
    ['4H', 4 * H],
    ['  4h  ', 4 * H],
  ])('reads %j', (text, expected) => {
    // Act
    const result = parseDuration(text);
    // Assert
    expect(result).toBe(expected);
  });

  it.each([
    ['0m'],
    ['30s'],
    ['31d'],
    ['99d'],
    ['721h'],
    [''],
    ['4'],
    ['h'],
    ['4x'],
    ['2w'],
    ['4 weeks'],
    ['1h1h'],
    ['1h 30'],
    ['ahour'],
    ['for 4h'],
    ['-4h'],
    ['4h'.repeat(40)],
  ])('refuses %j', (text) => {
    const result = parseDuration(text);
    expect(result).toBeUndefined();
  });

  it('keeps the syntax of an out-of-bounds duration readable', () => {
    expect(durationSyntaxMs('0m')).toBe(0);
    expect(durationSyntaxMs('99d')).toBe(99 * D);
  });

  it('never returns a value outside the bounds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const ms = parseDuration(text);
        return ms === undefined || (ms >= MIN_DURATION_MS && ms <= MAX_DURATION_MS);
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [4 * H, '4h'],
    [90 * M, '1h 30m'],
    [2 * D, '2d'],
    [30 * H, '1d 6h'],
    [D + 2 * H + 5 * M, '1d 2h 5m'],
    [45 * M, '45m'],
    [M, '1m'],
    [0, '0m'],
    [-5, '0m'],
    [Number.NaN, '0m'],
  ])('formats %d ms as %j', (ms, expected) => {
    const result = formatDuration(ms);
    expect(result).toBe(expected);
  });

  it('round-trips every whole-minute duration in bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS / M }), (minutes) => {
        const text = formatDuration(minutes * M);
        return parseDuration(text) === minutes * M;
      }),
    );
  });
});
