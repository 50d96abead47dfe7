/**
 * LookupEvents over the CloudTrail fake's stored records: request validation with the service's error codes,
 * filtering by the one allowed attribute and the time window (never older than 90 days), newest-first ordering, and
 * paging with a `NextToken` bound to the parameters that produced it.
 */
import { createHash } from 'node:crypto';
import type { CloudTrailRecord } from './cloudtrail-events.ts';

export const HISTORY_MS = 90 * 24 * 60 * 60_000;
export const MAX_RESULTS = 50;

export interface LookupResource {
  ResourceType: string;
  ResourceName: string;
}

export interface StoredEvent {
  record: CloudTrailRecord;
  resources: LookupResource[];
}

export class CloudTrailError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'CloudTrailError';
    this.status = status;
    this.code = code;
  }
}

const ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
];

// Messages below are the fake's wording; the codes are the service's.
const invalid = (code: string, message: string) => new CloudTrailError(400, code, message);

interface Attribute {
  key: string;
  value: string;
}

export function lookupEvents(events: readonly StoredEvent[], input: Record<string, unknown>, now: number) {
  const attribute = attributeOf(input['LookupAttributes']);
  const start = timeOf(input['StartTime'], 'StartTime');
  const end = timeOf(input['EndTime'], 'EndTime');
  if (start !== undefined && end !== undefined && start > end) {
    throw invalid('InvalidTimeRangeException', 'StartTime must be before EndTime.');
  }
  const category = input['EventCategory'];
  if (category !== undefined && category !== 'insight') {
    throw invalid('InvalidEventCategoryException', `Invalid EventCategory: ${String(category)}`);
  }
  const maxResults = maxResultsOf(input['MaxResults']);
  const fingerprint = fingerprintOf(input);
  const cursor = input['NextToken'] === undefined ? undefined : cursorOf(input['NextToken'], fingerprint);

  const oldest = Math.max(start ?? 0, now - HISTORY_MS);
  // Insights events are not modelled: an insight lookup finds none.
  const matching = (category === undefined ? [...events] : [])
    .filter(({ record }) => {
      const time = Date.parse(record.eventTime);
      return time >= oldest && (end === undefined || time <= end);
    })
    .filter((event) => attribute === undefined || matches(event, attribute))
    .sort(newestFirst);
  const from = cursor === undefined ? 0 : matching.findIndex((event) => newestFirst(event, cursor) > 0);
  const page = from < 0 ? [] : matching.slice(from, from + maxResults);
  const last = page.at(-1);
  const hasMore = from >= 0 && from + maxResults < matching.length && last !== undefined;
  return {
    Events: page.map(toLookupEvent),
    ...(hasMore ? { NextToken: tokenOf(fingerprint, last) } : {}),
  };
}

function attributeOf(raw: unknown): Attribute | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalid('InvalidLookupAttributesException', 'LookupAttributes must be a list.');
  if (raw.length > 1) {
    throw invalid('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
  }
  const [first] = raw as unknown[];
  if (first === undefined) return undefined;
  const { AttributeKey: key, AttributeValue: value } = (first ?? {}) as Record<string, unknown>;
  if (typeof key !== 'string' || !ATTRIBUTE_KEYS.includes(key)) {
    throw invalid('InvalidLookupAttributesException', `Invalid AttributeKey: ${String(key)}`);
  }
  if (typeof value !== 'string' || value.length < 1 || value.length > 2000) {
    throw invalid('InvalidLookupAttributesException', 'AttributeValue must be 1 to 2000 characters.');
  }
  return { key, value };
}

function timeOf(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    throw new CloudTrailError(400, 'SerializationException', `${field} must be epoch seconds`);
  }
  return raw * 1000;
}

function maxResultsOf(raw: unknown): number {
  if (raw === undefined || raw === null) return MAX_RESULTS;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_RESULTS) {
    throw invalid('InvalidMaxResultsException', `MaxResults must be between 1 and ${MAX_RESULTS}.`);
  }
  return raw;
}

function matches({ record, resources }: StoredEvent, { key, value }: Attribute): boolean {
  switch (key) {
    case 'EventId':
      return record.eventID === value;
    case 'EventName':
      return record.eventName === value;
    case 'ReadOnly':
      return String(record.readOnly) === value;
    case 'Username':
      return usernameOf(record) === value;
    case 'ResourceType':
      return resources.some((resource) => resource.ResourceType === value);
    case 'ResourceName':
      return resources.some((resource) => resource.ResourceName === value);
    case 'EventSource':
      return record.eventSource === value;
    default:
      return record.userIdentity['accessKeyId'] === value;
  }
}

/** Newest first; equal times by event id, so paging is stable. */
function newestFirst(a: StoredEvent, b: StoredEvent | Cursor): number {
  const at = Date.parse(a.record.eventTime);
  const bt = 'record' in b ? Date.parse(b.record.eventTime) : b.time;
  const bid = 'record' in b ? b.record.eventID : b.id;
  if (at !== bt) return bt - at;
  if (a.record.eventID === bid) return 0;
  return a.record.eventID < bid ? -1 : 1;
}

/** What LookupEvents shows as `Username`. */
export function usernameOf(record: CloudTrailRecord): string | undefined {
  const identity = record.userIdentity;
  const arn = typeof identity['arn'] === 'string' ? identity['arn'] : '';
  switch (identity['type']) {
    case 'IAMUser':
      return typeof identity['userName'] === 'string' ? identity['userName'] : undefined;
    case 'AssumedRole':
    case 'FederatedUser':
      return arn.split('/').at(-1);
    case 'Root':
      return 'root';
    case 'AWSService':
      return typeof identity['invokedBy'] === 'string' ? identity['invokedBy'] : undefined;
    default:
      return undefined;
  }
}

function toLookupEvent({ record, resources }: StoredEvent) {
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly),
    AccessKeyId:
      typeof record.userIdentity['accessKeyId'] === 'string' ? record.userIdentity['accessKeyId'] : undefined,
    EventTime: Date.parse(record.eventTime) / 1000,
    EventSource: record.eventSource,
    Username: usernameOf(record),
    Resources: resources,
    CloudTrailEvent: JSON.stringify(record),
  };
}

interface Cursor {
  time: number;
  id: string;
}

/** Every parameter but the token itself: a token is only valid with the parameters that produced it. */
function fingerprintOf(input: Record<string, unknown>): string {
  const { NextToken: _token, ...rest } = input;
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1))));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function tokenOf(fingerprint: string, last: StoredEvent): string {
  const cursor = { f: fingerprint, t: Date.parse(last.record.eventTime), id: last.record.eventID };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function cursorOf(raw: unknown, fingerprint: string): Cursor {
  const fail = () => invalid('InvalidNextTokenException', 'Invalid NextToken.');
  if (typeof raw !== 'string') throw fail();
  try {
    const { f, t, id } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (f !== fingerprint || typeof t !== 'number' || typeof id !== 'string') throw fail();
    return { time: t, id };
  } catch {
    throw fail();
  }
}
