import type { AuditEvent } from '../ports/audit.ts';

/** One stored version of a cluster's aws-auth: the data as it was before write number `version`. */
export interface AwsAuthVersion {
  version: number;
  at: number;
  actor: string;
  requestId?: string;
  resourceVersionBefore?: string;
  resourceVersionAfter?: string;
  data: Record<string, string>;
}

/**
 * Every aws-auth write appends an `aws_auth_write` audit event carrying the previous data, so history is
 * read from the append-only audit stream: version N is the data the Nth recorded write replaced.
 */
export function awsAuthVersions(events: readonly AuditEvent[], cluster: string): AwsAuthVersion[] {
  const versions: AwsAuthVersion[] = [];
  for (const event of events) {
    if (event.type !== 'aws_auth_write' || event.cluster !== cluster) continue;
    const previous = event.detail?.['previousData'];
    if (previous === undefined) continue;
    versions.push({
      version: versions.length + 1,
      at: event.at,
      actor: event.actor,
      ...(event.requestId ? { requestId: event.requestId } : {}),
      ...(event.detail?.['resourceVersionBefore']
        ? { resourceVersionBefore: event.detail['resourceVersionBefore'] }
        : {}),
      ...(event.detail?.['resourceVersionAfter'] ? { resourceVersionAfter: event.detail['resourceVersionAfter'] } : {}),
      data: JSON.parse(previous) as Record<string, string>,
    });
  }
  return versions;
}
