import type { NearMissKind } from '../../aws-auth/match.ts';
import { nearMissEvidence, principalNearMisses } from '../aws-auth-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

const WHY: Partial<Record<NearMissKind, string>> = {
  wrong_key:
    'the ARN sits under the wrong field: role ARNs belong in mapRoles as rolearn, user ARNs in mapUsers as userarn',
  wrong_account: 'the item names the same role or user in another AWS account',
  user_arn_path_mismatch: 'user ARNs are compared with their path, and this item has another one',
  sso_matcher_unsupported:
    "an sso: matcher works only with the open-source authenticator's alpha SSORoleMatch gate, which EKS does not enable",
};

/** Other items meant for the principal that cannot match it: wrong key, wrong account, user path, sso matcher. */
export function awsAuthNearMiss(e: Evidence): Finding | undefined {
  const miss = principalNearMisses(e).find((m) => WHY[m.kind] !== undefined);
  if (miss === undefined) return undefined;
  return {
    rule: 'aws-auth-near-miss',
    severity: 'blocker',
    title: `The aws-auth item at ${miss.list} line ${miss.line} looks meant for you but does not match`,
    evidence: [nearMissEvidence(miss), `Why: ${WHY[miss.kind] ?? miss.kind}`],
    fix: `Correct the item: it belongs in ${miss.fix.list} with this line:`,
    fixCommand: miss.fix.line,
    symptom: 'unauthorized',
  };
}
