import type { AwsAuthEditResult } from '../../core/plan/aws-auth-fold.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import { creatorFromFacts } from '../apply/cluster-creator.ts';
import type { AuditEvent } from '../ports/audit.ts';
import type { Deps } from '../ports/deps.ts';
import { awsAuthVersions } from '../report/aws-auth-history.ts';
import { recordAudit } from '../support/record-audit.ts';

export type RestoreOutcome =
  | { kind: 'unknown_version'; versions: number }
  | { kind: 'done'; result: AwsAuthEditResult; resourceVersionAfter?: string };

/**
 * Puts back version N of a cluster's aws-auth (the data the Nth recorded write replaced), through the same
 * single writer and creator-safety check as any grant: node items and the creator's mapping are never changed
 * by a restore either.
 */
export async function restoreAwsAuth(
  deps: Pick<Deps, 'diagnostics' | 'awsAuth' | 'audit' | 'clock'>,
  input: { cluster: ClusterSettings; version: number; actor: string; events: readonly AuditEvent[] },
): Promise<RestoreOutcome> {
  const versions = awsAuthVersions(input.events, input.cluster.name);
  const target = versions.find((v) => v.version === input.version);
  if (!target) return { kind: 'unknown_version', versions: versions.length };
  const diagnostics = deps.diagnostics.forCluster(input.cluster);
  const described = await diagnostics.describeCluster();
  if (!described.connection)
    throw new AdapterError('aws_unavailable', true, { upstream: 'DescribeCluster gave no endpoint' });
  const creator = await creatorFromFacts(diagnostics, described.facts);
  const id = `restore-${input.cluster.name}-v${input.version}-${deps.clock.now()}`;
  const { result, write } = await deps.awsAuth
    .forCluster(input.cluster, described.connection)
    .submit(id, { restore: target.data, creator });
  await recordAudit(deps, {
    type: 'aws_auth_restore',
    actor: input.actor,
    cluster: input.cluster.name,
    detail: {
      version: String(input.version),
      status: result.status,
      ...(result.refusal ? { refusal: result.refusal.message } : {}),
      ...(write ? { resourceVersionAfter: write.resourceVersionAfter } : {}),
    },
  });
  return { kind: 'done', result, ...(write ? { resourceVersionAfter: write.resourceVersionAfter } : {}) };
}
