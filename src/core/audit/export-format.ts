/**
 * The audit export's two formats. JSON lines carry the event exactly; CSV follows RFC 4180 (every field quoted,
 * quotes doubled, line breaks kept inside the quotes, CRLF between records) and neutralises spreadsheet formulas.
 */
export interface ExportedEvent {
  id: string;
  type: string;
  at: number;
  actor: string;
  requestId?: string | undefined;
  cluster?: string | undefined;
  detail?: Readonly<Record<string, string>> | undefined;
}

export const CSV_COLUMNS = ['id', 'time', 'type', 'actor', 'cluster', 'requestId', 'detail'] as const;

/** https://www.rfc-editor.org/rfc/rfc4180#section-2 : records end with CRLF. */
const CRLF = '\r\n';

/**
 * Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"); a leading tab or
 * carriage return is stripped by some and then the next character counts. Such a cell gets a leading apostrophe.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function jsonLine(event: ExportedEvent): string {
  return `${JSON.stringify({
    id: event.id,
    time: isoTime(event.at),
    at: event.at,
    type: event.type,
    actor: event.actor,
    ...(event.cluster === undefined ? {} : { cluster: event.cluster }),
    ...(event.requestId === undefined ? {} : { requestId: event.requestId }),
    ...(event.detail === undefined ? {} : { detail: event.detail }),
  })}\n`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.map(csvCell).join(',')}${CRLF}`;
}

export function csvRow(event: ExportedEvent): string {
  const cells = [
    event.id,
    isoTime(event.at),
    event.type,
    event.actor,
    event.cluster ?? '',
    event.requestId ?? '',
    event.detail === undefined ? '' : JSON.stringify(event.detail),
  ];
  return `${cells.map(csvCell).join(',')}${CRLF}`;
}

/** One quoted CSV field; formula-looking text is prefixed with `'` so it stays text. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function isoTime(at: number): string {
  return Number.isFinite(at) ? new Date(at).toISOString() : '';
}

const SINCE_UNITS_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** `7d`, `12h`, `30m`, `90s` → milliseconds; undefined for anything else. */
export function parseSince(text: string): number | undefined {
  const match = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (!match) return undefined;
  const unit = SINCE_UNITS_MS[match[2] ?? ''];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}
