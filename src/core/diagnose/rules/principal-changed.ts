import { parseAwsAuth } from '../../aws-auth/document.ts';
import { type CallerMatch, matchCaller } from '../../aws-auth/match.ts';
import { awsAuthMatch, awsAuthState, effectiveAccess, hasPermissions } from '../access-state.ts';
import type { AccessChange, Evidence } from '../evidence.ts';
import type { Finding, Severity } from '../finding.ts';
import { awsAuthPrincipal, entryPrincipal, samePrincipalIgnoringRolePath } from '../principal.ts';

/** `2026-12-01 10:02 UTC`: when, to the minute, as people read it in a chat. */
export function minuteTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The evidence line for one CloudTrail event. */
export function changeLine(change: AccessChange): string {
  const what = change.policyArn !== undefined ? `${change.policyArn} from ${change.principalArn}` : change.principalArn;
  const detail = change.detail !== undefined ? ` (${change.detail})` : '';
  return `CloudTrail: ${change.event} for ${what} by ${change.by} at ${minuteTime(change.at)}${detail}`;
}

/**
 * Who changed it: the principal's access entry was deleted, a policy disassociated or the entry updated within
 * CloudTrail's 90 days, or eks-access's own history shows the write that removed or changed its aws-auth item.
 * Names who and when, with the evidence line, so the person knows whom to ask.
 */
export function principalChanged(e: Evidence): Finding | undefined {
  return fromCloudTrail(e) ?? fromAwsAuthHistory(e);
}

function fromCloudTrail(e: Evidence): Finding | undefined {
  if (!e.accessChanges?.known || !e.accessEntry.known) return undefined;
  const arn = entryPrincipal(e);
  const changes = e.accessChanges.value.changes
    .filter((c) => samePrincipalIgnoringRolePath(c.principalArn, arn))
    .sort((a, b) => b.at - a.at);
  const latest = changes[0];
  if (latest === undefined) return undefined;
  const { entry, policies } = e.accessEntry.value;
  const lastDelete = changes.find((c) => c.event === 'DeleteAccessEntry');
  const lastRemoval = changes.find((c) => c.event === 'DisassociateAccessPolicy');
  const evidence = changes.slice(0, 5).map(changeLine);
  const permitted = hasPermissions(effectiveAccess(e));
  const finding = (severity: Severity, title: string, fix: string, isGrantFix = false): Finding => ({
    rule: 'principal-changed',
    severity,
    title,
    evidence,
    fix,
    ...(isGrantFix ? { isGrantFix } : {}),
  });
  if (!entry && lastDelete) {
    return finding(
      'blocker',
      `The access entry for ${lastDelete.principalArn} was deleted by ${lastDelete.by} at ${minuteTime(lastDelete.at)}`,
      `Ask whoever uses ${lastDelete.by} why it was removed, or request access again.`,
      true,
    );
  }
  if (entry && policies.length === 0 && lastRemoval && !permitted) {
    return finding(
      'blocker',
      `${lastRemoval.policyArn ?? 'An access policy'} was disassociated from ${lastRemoval.principalArn} by ${lastRemoval.by} at ${minuteTime(lastRemoval.at)}`,
      `Ask whoever uses ${lastRemoval.by} why it was removed, or request access again.`,
      true,
    );
  }
  const severity: Severity = permitted ? 'info' : 'warning';
  return finding(
    severity,
    `The access entry for ${latest.principalArn} was changed by ${latest.by} at ${minuteTime(latest.at)} (${latest.event})`,
    permitted
      ? 'For context: access still works with the entry as it is now.'
      : `Ask whoever uses ${latest.by} what the change was for.`,
  );
}

function fromAwsAuthHistory(e: Evidence): Finding | undefined {
  const writes = e.awsAuthWrites;
  const arn = awsAuthPrincipal(e);
  const state = awsAuthState(e);
  if (!writes || writes.length === 0 || arn === undefined || state.status === 'unknown') return undefined;
  const current = state.status === 'read' ? state.doc : parseAwsAuth({});
  const matchIn = (data: Readonly<Record<string, string>>) => usable(matchCaller(parseAwsAuth(data), arn));
  const now = usable(awsAuthMatch(e));
  // Walk back from the newest write: what it replaced (before) against what came after it.
  for (let i = writes.length - 1; i >= 0; i--) {
    const write = writes[i];
    if (write === undefined) continue;
    const before = matchIn(write.before);
    const next = writes[i + 1];
    const after = next ? matchIn(next.before) : usable(matchCaller(current, arn));
    if (sameMapping(before, after)) continue;
    const request = write.requestId !== undefined ? ` (request ${write.requestId})` : '';
    const line = `eks-access history: aws-auth write by ${write.actor}${request} at ${minuteTime(write.at)}`;
    if (before && !after) {
      return {
        rule: 'principal-changed',
        severity: now ? 'info' : 'blocker',
        title: `The aws-auth item for ${arn} was removed by ${write.actor}${request} at ${minuteTime(write.at)}`,
        evidence: [`${line} removed the ${before.via} item for ${arn} (username ${before.username})`],
        fix: 'eks-access removes the items it added when a grant ends. Request access again.',
        isGrantFix: true,
      };
    }
    if (before && after) {
      return {
        rule: 'principal-changed',
        severity: 'info',
        title: `The aws-auth item for ${arn} was changed by ${write.actor}${request} at ${minuteTime(write.at)}`,
        evidence: [
          `${line} changed the ${after.via} item for ${arn}: username ${before.username} → ${after.username}, groups ${before.groups.join(', ')} → ${after.groups.join(', ')}`,
        ],
        fix: 'For context: the mapping checked above is the one now in aws-auth.',
      };
    }
  }
  return undefined;
}

type Mapping = Extract<CallerMatch, { via: 'mapRoles' | 'mapUsers' }>;

function usable(match: CallerMatch | undefined): Mapping | undefined {
  return match && match.via !== 'mapAccounts' ? match : undefined;
}

function sameMapping(a: Mapping | undefined, b: Mapping | undefined): boolean {
  if (!a || !b) return a === b;
  return a.username === b.username && a.groups.join('\n') === b.groups.join('\n');
}
