import type { AccessScope } from './access-entries.ts';
import { mergeScope } from './access-entries.ts';

/** A grant still in force on the same principal and cluster, which a revoke must not cut short. */
export interface OtherGrant {
  policyArn: string;
  namespaces: readonly string[];
}

export type RevokeStep =
  | { kind: 'delete_entry' }
  | { kind: 'disassociate'; policyArn: string }
  | { kind: 'narrow'; policyArn: string; scope: AccessScope }
  | { kind: 'keep'; reason: string };

/**
 * Removes exactly what this grant added and nothing the principal had before or still holds through another
 * grant: the entry only when the bot created it and no other grant needs it; the policy only when it was not
 * there before and no other grant uses it; a policy shared with other grants is narrowed back to their
 * namespaces (AssociateAccessPolicy replaces a scope, so overlapping grants' scopes were merged).
 */
export function planRevoke(input: {
  policyArn: string;
  hadEntryBefore: boolean;
  hadPolicyBefore: boolean;
  others: readonly OtherGrant[];
}): RevokeStep {
  if (!input.hadEntryBefore && input.others.length === 0) return { kind: 'delete_entry' };
  if (input.hadPolicyBefore) return { kind: 'keep', reason: 'the principal had this policy before the grant' };
  const sharing = input.others.filter((o) => o.policyArn === input.policyArn);
  if (sharing.length === 0) return { kind: 'disassociate', policyArn: input.policyArn };
  const scope = sharing.reduce<AccessScope | undefined>(
    (merged, o) =>
      mergeScope(
        merged,
        o.namespaces.length === 0 ? { type: 'cluster' } : { type: 'namespace', namespaces: o.namespaces },
      ),
    undefined,
  );
  return scope
    ? { kind: 'narrow', policyArn: input.policyArn, scope }
    : { kind: 'disassociate', policyArn: input.policyArn };
}
