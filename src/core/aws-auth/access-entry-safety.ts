import { samePrincipalIgnoringPaths } from './principals.ts';

/**
 * The creator-safety check for access-entry writes: the cluster creator's entry is never changed or deleted
 * (it is the way back when aws-auth breaks). With the creator unknown, deleting a cluster-admin entry or
 * disassociating the cluster-admin policy is refused, since that entry may be the creator's.
 */
export type AccessEntryChange = {
  /** The entry's principal (an IAM role ARN with its path, or a user ARN). */
  principalArn: string;
  op: 'create' | 'associate' | 'disassociate' | 'delete';
  creator: { arn?: string; isKnown: boolean };
  /** The policy being associated or disassociated. */
  policyArn?: string;
  /** The policies associated with the entry now; without them a delete counts as possibly cluster-admin. */
  entryPolicyArns?: readonly string[];
};

export type AccessEntryVerdict = {
  ok: boolean;
  checks: { id: 'creator_entry_untouched'; label: string; passed: boolean; detail?: string }[];
  refusal?: { code: 'creator_protected' | 'possibly_creator'; message: string };
};

const LABEL = "Cluster creator's access entry untouched";
const CLUSTER_ADMIN_POLICY = /:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/;

export function checkAccessEntryChange(input: AccessEntryChange): AccessEntryVerdict {
  const refusal = refusalFor(input);
  if (refusal === undefined)
    return { ok: true, checks: [{ id: 'creator_entry_untouched', label: LABEL, passed: true }] };
  return {
    ok: false,
    checks: [{ id: 'creator_entry_untouched', label: LABEL, passed: false, detail: refusal.message }],
    refusal,
  };
}

function refusalFor(input: AccessEntryChange): AccessEntryVerdict['refusal'] {
  const { creator, principalArn, op } = input;
  if (creator.isKnown && creator.arn !== undefined) {
    if (!samePrincipalIgnoringPaths(principalArn, creator.arn)) return undefined;
    return {
      code: 'creator_protected',
      message: `${principalArn} is the cluster creator; its access entry is never changed (${op})`,
    };
  }
  if (op === 'create' || op === 'associate') return undefined;
  const isClusterAdmin =
    op === 'disassociate'
      ? input.policyArn === undefined || CLUSTER_ADMIN_POLICY.test(input.policyArn)
      : input.entryPolicyArns === undefined || input.entryPolicyArns.some((arn) => CLUSTER_ADMIN_POLICY.test(arn));
  if (!isClusterAdmin) return undefined;
  return {
    code: 'possibly_creator',
    message: `the cluster creator is unknown and ${principalArn} has cluster-admin; it may be the creator's entry (${op} refused)`,
  };
}
