import { type AccessScope, scopeCovers } from '../../core/plan/access-entries.ts';
import { AdapterError } from '../../shared/errors.ts';
import type { AccessEntries } from '../ports/eks.ts';

/**
 * Reads the grant back. EKS lists an access entry's associated policies only while the entry exists (no entry:
 * ResourceNotFoundException), so the policy in the list proves both the entry and the association.
 */
export async function verifyAccessEntry(
  entries: AccessEntries,
  principalArn: string,
  policyArn: string,
  wanted: AccessScope,
  entryType: string,
): Promise<{ ok: boolean; lines: string[] }> {
  const policies = await entries.listAssociatedPolicies(principalArn).catch((error: unknown) => {
    if (error instanceof AdapterError && error.code === 'aws_not_found') return [];
    throw error;
  });
  const association = policies.find((p) => p.policyArn === policyArn);
  const ok = association !== undefined && scopeCovers(association.scope, wanted);
  const scopeText =
    association?.scope.type === 'namespace' ? `namespaces ${association.scope.namespaces.join(', ')}` : 'cluster scope';
  return {
    ok,
    lines: [
      `access entry \`${principalArn}\` (${association ? entryType : 'missing'})`,
      `policy \`${policyArn}\` associated, ${scopeText}`,
    ],
  };
}
