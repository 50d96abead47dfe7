import type { RequestId } from '../ids.ts';

export type AccessScope = { type: 'cluster' } | { type: 'namespace'; namespaces: readonly string[] };

export interface AssociatedPolicy {
  policyArn: string;
  scope: AccessScope;
}

/** Tags mark what the bot owns, so revoke and reconcile only ever remove their own entries. */
export const MANAGED_BY_TAG = 'eks-access/managed-by';
export const REQUEST_TAG = 'eks-access/request';
export const MANAGED_BY_VALUE = 'eks-access';

export function ownershipTags(requestId: RequestId): Record<string, string> {
  return { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [REQUEST_TAG]: requestId };
}

export function isCreatedByRequest(tags: Readonly<Record<string, string>> | undefined, requestId: RequestId): boolean {
  return tags?.[MANAGED_BY_TAG] === MANAGED_BY_VALUE && tags[REQUEST_TAG] === requestId;
}

export function wantedScope(namespaces: readonly string[]): AccessScope {
  return namespaces.length === 0 ? { type: 'cluster' } : { type: 'namespace', namespaces: [...namespaces] };
}

/**
 * AssociateAccessPolicy replaces the scope of an existing association, so a grant must never
 * narrow what the principal already has: cluster scope wins, namespace lists are merged.
 */
export function mergeScope(existing: AccessScope | undefined, wanted: AccessScope): AccessScope {
  if (!existing) return wanted;
  if (existing.type === 'cluster' || wanted.type === 'cluster') return { type: 'cluster' };
  const namespaces = [...new Set([...existing.namespaces, ...wanted.namespaces])].sort();
  return { type: 'namespace', namespaces };
}

/** Does `actual` give at least what `wanted` asks for? */
export function scopeCovers(actual: AccessScope, wanted: AccessScope): boolean {
  if (actual.type === 'cluster') return true;
  if (wanted.type === 'cluster') return false;
  return wanted.namespaces.every((ns) => actual.namespaces.includes(ns));
}

export function sameScope(a: AccessScope, b: AccessScope): boolean {
  return scopeCovers(a, b) && scopeCovers(b, a);
}
