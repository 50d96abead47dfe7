/**
 * The floor under the pipeline benchmark, run as its own process like the bot: the three EKS calls that no verified
 * grant can do without (CreateAccessEntry, AssociateAccessPolicy, and ListAssociatedAccessPolicies to read it back)
 * through the real EKSClient against the same EKS fake, at the worker's concurrency. No Slack, no Redis, no queue,
 * no idempotency read. Whatever a bot adds on top can only be slower, so floor ÷ raw BullMQ bounds the pipeline
 * ratio any implementation could reach on this machine.
 *
 * Environment: the AWS sandbox variables, FLOOR_CLUSTER, FLOOR_ROLE_PREFIX (role ARNs are the prefix + index),
 * FLOOR_COUNT, FLOOR_CONCURRENCY. Prints one JSON line: {"grants": n, "grantsPerSec": r}.
 */
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  EKSClient,
  ListAssociatedAccessPoliciesCommand,
} from '@aws-sdk/client-eks';
import { HTTP_OPTIONS } from '../src/adapters/aws/aws-clients.ts';

const VIEW_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const clusterName = process.env['FLOOR_CLUSTER'] ?? '';
const prefix = process.env['FLOOR_ROLE_PREFIX'] ?? '';
const count = Number(process.env['FLOOR_COUNT'] ?? 0);
const concurrency = Number(process.env['FLOOR_CONCURRENCY'] ?? 50);
const eks = new EKSClient({ region: process.env['AWS_REGION'] ?? 'us-east-1', requestHandler: HTTP_OPTIONS });

async function grant(principalArn: string): Promise<boolean> {
  await eks.send(new CreateAccessEntryCommand({ clusterName, principalArn, type: 'STANDARD' }));
  await eks.send(
    new AssociateAccessPolicyCommand({
      clusterName,
      principalArn,
      policyArn: VIEW_POLICY,
      accessScope: { type: 'cluster' },
    }),
  );
  const read = await eks.send(new ListAssociatedAccessPoliciesCommand({ clusterName, principalArn }));
  return (read.associatedAccessPolicies ?? []).some((p) => p.policyArn === VIEW_POLICY);
}

// One warm-up grant outside the clock, as the bot has served requests before the benchmark's rounds.
await grant(`${prefix}warm`);
let next = 0;
let verified = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      if (await grant(`${prefix}${i}`)) verified += 1;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ grants: verified, grantsPerSec: verified / seconds }));
eks.destroy();
