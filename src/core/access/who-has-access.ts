import { parseAwsAuth } from '../aws-auth/document.ts';
import { planAwsAuthGrant } from '../plan/aws-auth-grant.ts';
import type { AccessRequest } from '../request/request.ts';

/** One access-entry as read from EKS, with its associated policies. */
export interface EntrySeen {
  principalArn: string;
  type: string;
  tags: Readonly<Record<string, string>>;
  policies: readonly { policyArn: string; scope: string }[];
}

export type AwsAuthSeen = { data: Readonly<Record<string, string>> } | { unavailable: string };

export interface AccessRow {
  principalArn: string;
  via: 'access entry' | 'aws-auth';
  /** The policy and its scope, or the aws-auth groups. */
  what: string;
  kind: 'standing' | 'time-bound';
  /** For time-bound rows: the bot grants behind it and when the last of them ends. */
  grants?: readonly { id: string; subject: string; expiresAt?: number | undefined }[];
  expiresAt?: number | undefined;
}

export interface WhoHasAccess {
  rows: AccessRow[];
  /** Active bot grants with nothing on the cluster to show for them (removed by hand: drift). */
  missing: AccessRequest[];
  awsAuthUnavailable?: string;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Who can get in: every access-entry policy and aws-auth item, each marked standing (nothing the bot granted
 * explains it, so it stays after every grant ends) or time-bound (an active bot grant added it and removes it).
 * A policy the principal had before a grant (`hadPolicyBefore`) is standing even while a grant overlaps it.
 */
export function classifyAccess(input: {
  grants: readonly AccessRequest[];
  entries: readonly EntrySeen[];
  awsAuth?: AwsAuthSeen;
}): WhoHasAccess {
  const rows: AccessRow[] = [];
  const explained = new Set<string>();
  const entryGrants = input.grants.filter((g) => g.outcome?.method !== 'aws-auth');
  for (const entry of input.entries) {
    if (entry.policies.length === 0) {
      rows.push({
        principalArn: entry.principalArn,
        via: 'access entry',
        what: `no policy (${entry.type})`,
        kind: 'standing',
      });
    }
    for (const policy of entry.policies) {
      const backing = entryGrants.filter(
        (g) =>
          same(g.outcome?.principalArn ?? g.principalArn, entry.principalArn) &&
          g.outcome?.policyArn === policy.policyArn &&
          g.outcome?.hadPolicyBefore !== true,
      );
      for (const g of backing) explained.add(g.id);
      rows.push(row(entry.principalArn, 'access entry', `${shortPolicy(policy.policyArn)} (${policy.scope})`, backing));
    }
  }
  const awsAuthGrants = input.grants.filter((g) => g.outcome?.method === 'aws-auth');
  let awsAuthUnavailable: string | undefined;
  if (input.awsAuth && 'unavailable' in input.awsAuth) awsAuthUnavailable = input.awsAuth.unavailable;
  else if (input.awsAuth) {
    const document = parseAwsAuth(input.awsAuth.data);
    const items = [
      ...document.mapRoles.map((r) => ({ arn: r.rolearn, groups: r.groups })),
      ...document.mapUsers.map((u) => ({ arn: u.userarn, groups: u.groups })),
    ];
    for (const item of items) {
      const backing = awsAuthGrants.filter((g) => {
        const plan = planAwsAuthGrant(g.principalArn, g.level, g.namespaces);
        return 'item' in plan && same(plan.item.arn, item.arn) && g.outcome?.hadEntryBefore !== true;
      });
      for (const g of backing) explained.add(g.id);
      rows.push(row(item.arn, 'aws-auth', `groups ${item.groups.join(', ') || '(none)'}`, backing));
    }
  }
  const missing = input.grants.filter(
    (g) => !explained.has(g.id) && !(g.outcome?.method === 'aws-auth' && awsAuthUnavailable !== undefined),
  );
  return { rows, missing, ...(awsAuthUnavailable === undefined ? {} : { awsAuthUnavailable }) };
}

function row(principalArn: string, via: AccessRow['via'], what: string, backing: readonly AccessRequest[]): AccessRow {
  if (backing.length === 0) return { principalArn, via, what, kind: 'standing' };
  const ends = backing.map((g) => g.outcome?.expiresAt ?? 0);
  return {
    principalArn,
    via,
    what,
    kind: 'time-bound',
    grants: backing.map((g) => ({ id: g.id, subject: g.subject, expiresAt: g.outcome?.expiresAt })),
    expiresAt: Math.max(...ends),
  };
}

/** `arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy` → `AmazonEKSViewPolicy`. */
function shortPolicy(policyArn: string): string {
  return policyArn.slice(policyArn.lastIndexOf('/') + 1) || policyArn;
}
