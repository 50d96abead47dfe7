/**
 * Who deleted or changed a principal's access entry: CloudTrail LookupEvents for `DeleteAccessEntry`,
 * `DisassociateAccessPolicy` and `UpdateAccessEntry` over the last 90 days (all LookupEvents keeps). A lookup takes
 * one attribute, so each event name is its own lookup (`EventName`); the principal and cluster are matched in the
 * event's `CloudTrailEvent` JSON (`requestParameters.principalArn`, the cluster as `clusterName` or `name`), because
 * which `Resources` EKS lists for these events is not documented.
 */
import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { AccessChange, AccessChangeFacts } from '../../core/diagnose/evidence.ts';
import { failedCall } from '../../shared/errors.ts';
import { CLOUDTRAIL_HISTORY_MS } from './creator-lookup.ts';

export type AccessChangeEvent = AccessChange['event'];
export const ACCESS_CHANGE_EVENTS: readonly AccessChangeEvent[] = [
  'DeleteAccessEntry',
  'DisassociateAccessPolicy',
  'UpdateAccessEntry',
];

/** Two pages of 50 per event name: enough for the recent changes, bounded under the 2 calls/s limit. */
const MAX_PAGES = 2;

export interface AccessChangeQuery {
  clusterName: string;
  principalArn: string;
  events: readonly AccessChangeEvent[];
}

export async function lookUpAccessChanges(
  cloudtrail: CloudTrailClient,
  query: AccessChangeQuery,
  limiter: () => Promise<void>,
  now: () => number,
): Promise<AccessChangeFacts> {
  const changes: AccessChange[] = [];
  const end = now();
  for (const event of query.events) {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      await limiter();
      const result = await cloudtrail
        .send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: event }],
            StartTime: new Date(end - CLOUDTRAIL_HISTORY_MS),
            EndTime: new Date(end),
            MaxResults: 50,
            NextToken: nextToken,
          }),
        )
        .catch((error: unknown) => {
          throw failedCall('cloudtrail:LookupEvents', error);
        });
      for (const found of result.Events ?? []) {
        const change = changeOf(event, found.CloudTrailEvent, found.EventTime?.getTime(), query);
        if (change) changes.push(change);
      }
      nextToken = result.NextToken;
      if (!nextToken) break;
    }
  }
  return { changes: changes.sort((a, b) => b.at - a.at) };
}

function changeOf(
  event: AccessChangeEvent,
  raw: string | undefined,
  eventTime: number | undefined,
  query: AccessChangeQuery,
): AccessChange | undefined {
  const record = parseRecord(raw);
  if (record?.['eventSource'] !== 'eks.amazonaws.com') return undefined;
  if (record['errorCode'] !== undefined) return undefined; // a refused call changed nothing
  const request = asObject(record['requestParameters']);
  const principalArn = stringOf(request['principalArn']);
  const cluster = stringOf(request['clusterName']) ?? stringOf(request['name']);
  if (principalArn === undefined || cluster !== query.clusterName) return undefined;
  // ARNs compare without case, as IAM and EKS treat them.
  if (principalArn.toLowerCase() !== query.principalArn.toLowerCase()) return undefined;
  const identity = asObject(record['userIdentity']);
  const by = stringOf(identity['arn']) ?? stringOf(identity['invokedBy']) ?? stringOf(identity['type']) ?? 'unknown';
  const at = eventTime ?? Date.parse(stringOf(record['eventTime']) ?? '');
  if (!Number.isFinite(at)) return undefined;
  const policyArn = stringOf(request['policyArn']);
  const detail = event === 'UpdateAccessEntry' ? updateDetail(request) : undefined;
  return {
    event,
    by,
    at,
    principalArn,
    ...(policyArn !== undefined ? { policyArn } : {}),
    ...(detail !== undefined ? { detail } : {}),
  };
}

function updateDetail(request: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  const username = stringOf(request['username']);
  if (username !== undefined) parts.push(`username ${username}`);
  const groups = request['kubernetesGroups'];
  if (Array.isArray(groups)) parts.push(`groups ${groups.filter((g) => typeof g === 'string').join(', ') || 'none'}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function parseRecord(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
