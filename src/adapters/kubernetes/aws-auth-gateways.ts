import { type AwsAuthEdit, type AwsAuthEditResult, foldAwsAuthEdits } from '../../core/plan/aws-auth-fold.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AuditLog } from '../../usecases/ports/audit.ts';
import type { AwsAuthGateway, AwsAuthGateways, BindingResult } from '../../usecases/ports/aws-auth.ts';
import type { ClusterConnection } from '../../usecases/ports/eks.ts';
import type { ClusterClients } from '../aws/aws-clients.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { canI } from './access-review.ts';
import { readAwsAuthVersioned } from './aws-auth-object.ts';
import { createAwsAuthWriter } from './aws-auth-writer.ts';
import { type ClusterApiTarget, clusterApisFor } from './cluster-api.ts';
import {
  deleteGroupBinding,
  deleteUserBinding,
  ensureGroupBinding,
  ensureUserBinding,
  hasUserBinding,
} from './rbac.ts';

/** History entries are written once per Kubernetes write, however many requests its batch carried. */
const HISTORY_MARK_TTL_SECONDS = 7 * 24 * 3600;

export function createAwsAuthGateways(options: {
  redis: Redis;
  prefix: string;
  clients: { forCluster(cluster: ClusterSettings): ClusterClients };
  audit: AuditLog;
  log: Logger;
  now?: () => number;
}): AwsAuthGateways {
  const targets = new Map<string, ClusterApiTarget>();
  const writer = createAwsAuthWriter({
    redis: options.redis,
    prefix: options.prefix,
    apiFor: async (cluster) => {
      const target = targets.get(cluster);
      if (!target) throw new Error(`no connection known for cluster ${cluster}`);
      return (await clusterApisFor(target)).core;
    },
    log: options.log,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    forCluster(cluster, connection: ClusterConnection): AwsAuthGateway {
      const target: ClusterApiTarget = {
        clusterName: cluster.name,
        region: cluster.region,
        connection,
        credentials: options.clients.forCluster(cluster).credentials,
        ...(options.now ? { now: options.now } : {}),
      };
      targets.set(cluster.name, target);
      return {
        async read() {
          return await readAwsAuthVersioned((await clusterApisFor(target)).core);
        },
        async submit(id, edit) {
          const outcome = await writer.submit<AwsAuthEdit, AwsAuthEditResult>(cluster.name, id, edit, foldAwsAuthEdits);
          const write = outcome.write;
          if (write?.previousData) await recordHistory(options, cluster.name, id, write);
          return {
            result: outcome.result,
            ...(write
              ? {
                  write: {
                    ...(write.resourceVersionBefore ? { resourceVersionBefore: write.resourceVersionBefore } : {}),
                    resourceVersionAfter: write.resourceVersionAfter,
                    batchSize: write.batchSize,
                  },
                }
              : {}),
          };
        },
        async ensureBindings(bindings) {
          const { rbac } = await clusterApisFor(target);
          const done: BindingResult[] = [];
          for (const binding of bindings) {
            for (const ensured of await ensureGroupBinding(rbac, binding))
              done.push({ group: binding.group, ...ensured });
          }
          return done;
        },
        async removeBindings(bindings) {
          const { rbac } = await clusterApisFor(target);
          const done: BindingResult[] = [];
          for (const binding of bindings) {
            for (const removed of await deleteGroupBinding(rbac, binding))
              done.push({ group: binding.group, ...removed });
          }
          return done;
        },
        async ensureUserBindings(binding) {
          const { rbac } = await clusterApisFor(target);
          return await ensureUserBinding(rbac, binding);
        },
        async removeUserBindings(binding) {
          const { rbac } = await clusterApisFor(target);
          return await deleteUserBinding(rbac, binding);
        },
        async hasUserBinding(binding) {
          const { rbac } = await clusterApisFor(target);
          return await hasUserBinding(rbac, binding);
        },
        async canI(question) {
          const { authorization } = await clusterApisFor(target);
          const answer = await canI(authorization, { ...question, groups: [...question.groups] });
          return { allowed: answer.allowed, ...(answer.reason ? { reason: answer.reason } : {}) };
        },
      };
    },
  };
}

/** The previous data goes to the audit trail once per write: restore reads it back from there. */
async function recordHistory(
  options: { redis: Redis; prefix: string; audit: AuditLog; now?: () => number },
  cluster: string,
  id: string,
  write: {
    resourceVersionBefore?: string;
    resourceVersionAfter: string;
    previousData?: Record<string, string>;
    batchSize: number;
  },
): Promise<void> {
  const mark = `${options.prefix}:awsauth:history:${cluster}:${write.resourceVersionAfter}`;
  const isFirst = await options.redis.set(mark, id, 'EX', HISTORY_MARK_TTL_SECONDS, 'NX');
  if (isFirst !== 'OK') return;
  await options.audit.append({
    type: 'aws_auth_write',
    at: (options.now ?? Date.now)(),
    actor: 'eks-access',
    requestId: id,
    cluster,
    detail: {
      previousData: JSON.stringify(write.previousData ?? {}),
      resourceVersionBefore: write.resourceVersionBefore ?? '',
      resourceVersionAfter: write.resourceVersionAfter,
      batchSize: String(write.batchSize),
    },
  });
}
