import type { Evidence, FactFailure, Known } from './evidence.ts';
import { clusterMode } from './principal.ts';

/** One look-up that could not run, and why, in words a person acts on. */
export interface NotChecked {
  what: string;
  why: string;
}

/**
 * Every fact the diagnosis could not read, with the reason: `doctor` lists these so that a check is never dropped
 * in silence. Facts that do not apply (access entries on a CONFIG_MAP cluster) are not failures and are left out.
 */
export function notChecked(e: Evidence): NotChecked[] {
  const facts: [string, Known<unknown>][] = [
    ['cluster', e.clusterInfo],
    ['IAM principal', e.iam],
    ['access entries', e.accessEntry],
    ['aws-auth', e.awsAuth],
    ['cluster creator', e.creator],
    ...(e.rbac ? [['RBAC bindings', e.rbac] as [string, Known<unknown>]] : []),
    ...(e.accessChanges
      ? [['who changed the access entry (CloudTrail)', e.accessChanges] as [string, Known<unknown>]]
      : []),
  ];
  const mode = clusterMode(e);
  return facts.flatMap(([what, fact]) => {
    if (fact.known) return [];
    if ((what === 'access entries' || what.includes('CloudTrail')) && mode === 'CONFIG_MAP') return [];
    return [{ what, why: `not read: ${whyText(fact.reason, fact.failure, e)}` }];
  });
}

/** Who signed the token the cluster refused: the assumed role, the caller, or (in Slack) the bot. */
function tokenSigner(e: Evidence): string {
  const reader = e.reader;
  if (!reader) return "the bot's token";
  if (reader.role) return `the token of ${reader.role.arn}`;
  return reader.caller.ok ? `your token (${reader.caller.arn})` : 'your token';
}

function whyText(reason: string, failure: FactFailure | undefined, e: Evidence): string {
  const on = failure?.operation !== undefined ? ` on ${failure.operation}` : '';
  switch (failure?.kind) {
    case 'credentials_rejected':
      return `AWS rejected the credentials (${failure.upstream ?? 'none found'}${on})`;
    case 'cluster_unauthorized':
      return `the cluster answered 401 (Unauthorized) to ${tokenSigner(e)}`;
    case 'cluster_forbidden':
      return `the cluster answered 403 (Forbidden) to ${tokenSigner(e)}${on}`;
    case 'denied':
      return `${failure.upstream ?? 'AccessDenied'}${on}`;
    default:
      return reason;
  }
}
