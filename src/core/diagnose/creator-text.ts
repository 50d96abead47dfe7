import type { CreatorFacts } from './evidence.ts';
import { isoTime } from './format.ts';

/** "arn:… (CloudTrail CreateCluster at 2024-05-01T10:00:00Z)" — who created the cluster and how the bot knows. */
export function creatorText(creator: CreatorFacts): string {
  const who = creator.arn ?? 'unknown';
  const when = creator.eventTime === undefined ? '' : ` at ${isoTime(creator.eventTime)}`;
  const source =
    creator.source === 'cloudtrail'
      ? `CloudTrail CreateCluster event${when}`
      : creator.source === 'access-entry'
        ? `inferred from the bootstrap cluster-admin access entry${when}`
        : 'source unknown';
  return `${who} (${source}${creator.note ? `; ${creator.note}` : ''})`;
}
