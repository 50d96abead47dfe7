import type { AccessScope } from '../plan/access-entries.ts';

/** Epoch milliseconds as an ISO time without milliseconds (`2024-05-01T10:00:00Z`). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A short elapsed time: `40 s`, `3 min`, `5 h`, `12 days`. */
export function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** `arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy` → `AmazonEKSViewPolicy`. */
export function policyName(policyArn: string): string {
  const slash = policyArn.lastIndexOf('/');
  return slash < 0 ? policyArn : policyArn.slice(slash + 1);
}

function scopeText(scope: AccessScope): string {
  return scope.type === 'cluster' ? 'cluster-wide' : `namespaces ${scope.namespaces.join(', ')}`;
}

export function policyText(policy: { policyArn: string; scope: AccessScope }): string {
  return `${policyName(policy.policyArn)} (${scopeText(policy.scope)})`;
}

export function listText(items: readonly string[], empty = 'none'): string {
  return items.length === 0 ? empty : items.join(', ');
}

/** `1 role item`, `3 role items`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
