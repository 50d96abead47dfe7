/** Verified grants written straight into the store and the EKS fake, for benchmarks that start from many of them. */
import type { EksFake } from '../sandbox/aws/eks.ts';
import type { Producer } from '../src/adapters/queue/producer.ts';
import { ownershipTags } from '../src/core/plan/access-entries.ts';
import type { AccessRequest } from '../src/core/request/request.ts';
import type { RequestStore } from '../src/usecases/ports/requests.ts';

export const VIEW_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';

/**
 * What recordGrant + keepActive leave for a verified access-entry grant: the entry tagged as the bot's with the view
 * policy (when `eks` is given; aws-auth grants have none), the record, its indexes and its delayed expiry job.
 */
export async function seedVerifiedGrant(
  to: { eks?: EksFake; store: Pick<RequestStore, 'create' | 'markActive'>; producer: Pick<Producer, 'enqueueExpiry'> },
  request: AccessRequest,
): Promise<void> {
  to.eks?.seedAccessEntry(request.cluster, {
    principalArn: request.principalArn,
    tags: ownershipTags(request.id),
    policies: [{ policyArn: VIEW_POLICY, accessScope: { type: 'cluster', namespaces: [] } }],
  });
  await to.store.create(request);
  await to.store.markActive(request);
  await to.producer.enqueueExpiry(request.id, request.outcome?.expiresAt ?? 0);
}
