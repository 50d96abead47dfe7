import { checkAccessEntryChange } from '../../core/aws-auth/safety.ts';
import { creatorRefusedEntry } from '../../core/messages/grant-texts.ts';
import type { AccessRequest, FailureInfo } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { recordAudit } from '../support/record-audit.ts';
import { creatorOf } from './cluster-creator.ts';

/**
 * The creator-safety check before an access-entry grant writes anything: the cluster creator's entry is never
 * changed. A refusal is audited here and comes back as the failure to record; `undefined` means go ahead.
 */
export async function refuseIfCreator(
  deps: Pick<Deps, 'diagnostics' | 'audit' | 'clock'>,
  request: AccessRequest,
  cluster: ClusterSettings,
  principalArn: string,
  policyArn: string,
): Promise<FailureInfo | undefined> {
  const creator = await creatorOf(deps, cluster);
  const safety = checkAccessEntryChange({ principalArn, op: 'associate', creator, policyArn });
  if (safety.ok) return undefined;
  const code = safety.refusal?.code ?? 'creator_protected';
  await recordAudit(deps, {
    type: 'refused',
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: { code, message: safety.refusal?.message ?? '' },
  });
  return { code, message: creatorRefusedEntry(safety.refusal?.message), at: deps.clock.now() };
}
