const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Shortest and longest durations a person may ask for (inclusive). */
export const MIN_DURATION_MS = MINUTE_MS;
export const MAX_DURATION_MS = 30 * DAY_MS;

const UNITS: ReadonlyMap<string, number> = new Map([
  ['m', MINUTE_MS],
  ['min', MINUTE_MS],
  ['mins', MINUTE_MS],
  ['minute', MINUTE_MS],
  ['minutes', MINUTE_MS],
  ['h', HOUR_MS],
  ['hr', HOUR_MS],
  ['hrs', HOUR_MS],
  ['hour', HOUR_MS],
  ['hours', HOUR_MS],
  ['d', DAY_MS],
  ['day', DAY_MS],
  ['days', DAY_MS],
]);

// One "<number><unit>" part: `4h`, `4 h`, `1.5 hours`, `an hour`, `a day`.
const PART = /(?:(\d{1,6}(?:\.\d{1,3})?)\s*|(an?)\s+)([a-z]+)\s*/y;
const MAX_TEXT = 64;

/**
 * The length of a duration phrase in milliseconds, whatever its size (so `0m` is 0), or undefined
 * when the text is not a duration. Accepts `4h`, `1h30m`, `1h 30m`, `2 hours`, `90 minutes`,
 * `1 hour and 30 minutes`, `an hour`, `a day`, `half an hour`; each unit at most once.
 */
export function durationSyntaxMs(text: string): number | undefined {
  if (text.length > MAX_TEXT) return undefined;
  const source = text
    .toLowerCase()
    .replace(/\bhalf an? hour\b/g, '30m')
    .replace(/\band\b|[,+]/g, ' ')
    .trim();
  if (source === '') return undefined;
  const seen = new Set<number>();
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < source.length) {
    const match = PART.exec(source);
    if (match === null) return undefined;
    const unit = UNITS.get(match[3] ?? '');
    if (unit === undefined || seen.has(unit)) return undefined;
    seen.add(unit);
    const amount = match[1] === undefined ? 1 : Number(match[1]);
    total += amount * unit;
  }
  return Math.round(total);
}

export function isAllowedDuration(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_DURATION_MS && ms <= MAX_DURATION_MS;
}

/** Milliseconds for a duration phrase within 1 minute … 30 days, else undefined. */
export function parseDuration(text: string): number | undefined {
  const ms = durationSyntaxMs(text);
  return ms !== undefined && isAllowedDuration(ms) ? ms : undefined;
}

/** Compact form rounded to the minute: `4h`, `1h 30m`, `2d`, `1d 6h`; `0m` for nothing. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0m';
  const minutes = Math.round(ms / MINUTE_MS);
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const rest = minutes % 60;
  const parts = [days > 0 ? `${days}d` : '', hours > 0 ? `${hours}h` : '', rest > 0 ? `${rest}m` : ''];
  const text = parts.filter((part) => part !== '').join(' ');
  return text === '' ? '0m' : text;
}
