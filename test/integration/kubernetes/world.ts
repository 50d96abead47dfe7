/**
 * A cluster for the Kubernetes adapter tests: its own HTTPS API fake, a target the bot's real client reaches through
 * the fake's CA with an EKS token the fake verifies, and Redis connections under a private key prefix.
 */
import { Redis } from 'ioredis';
import { KubernetesApiFake } from '../../../sandbox/kubernetes/api-server.ts';
import type { Fold } from '../../../src/adapters/kubernetes/aws-auth-writer.ts';
import type { ClusterApiTarget } from '../../../src/adapters/kubernetes/cluster-api.ts';
import { testRedis } from '../../support/redis.ts';

export const ACCOUNT = '111122223333';
export const BOT_KEY = { accessKeyId: 'AKIAAWSAUTHWRITER001', secretAccessKey: 'aws-auth-writer-secret' };
export const BOT_ARN = `arn:aws:iam::${ACCOUNT}:role/eks-access-executor`;
export const NODE_ROLES = [
  `- rolearn: arn:aws:iam::${ACCOUNT}:role/eks-node-group-NodeInstanceRole-1ABC`,
  '  username: system:node:{{EC2PrivateDNSName}}',
  '  groups:',
  '    - system:bootstrappers',
  '    - system:nodes',
  '',
].join('\n');
export const START = { mapRoles: NODE_ROLES, mapAccounts: '- "444455556666"\n', mapUsers: '' };

let counter = 0;

export interface World {
  cluster: string;
  kube: KubernetesApiFake;
  target: ClusterApiTarget;
  prefix: string;
  redis: Redis;
  /** Another connection to the same Redis, as a separate worker process would have. */
  connection(): Redis;
  close(): Promise<void>;
}

export async function world(): Promise<World> {
  counter += 1;
  const cluster = `writer-${counter}-${process.pid}`;
  const kube = await KubernetesApiFake.start({
    clusterName: cluster,
    credentials: { [BOT_KEY.accessKeyId]: { ...BOT_KEY, arn: BOT_ARN } },
  });
  const { redis, prefix, url } = testRedis();
  const connections: Redis[] = [redis];
  return {
    cluster,
    kube,
    prefix,
    redis,
    target: {
      clusterName: cluster,
      region: 'us-east-1',
      connection: { endpoint: kube.url, caData: kube.caData },
      credentials: async () => BOT_KEY,
    },
    connection() {
      const extra = new Redis(url, { maxRetriesPerRequest: null });
      connections.push(extra);
      return extra;
    },
    async close() {
      await kube.close();
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
}

export interface TextEdit {
  op: 'add' | 'remove';
  arn: string;
  username: string;
}
export type TextResult = 'added' | 'removed' | 'unchanged';

/** One mapRoles item as text; the tests' stand-in for the core edit module. */
export function item(edit: Pick<TextEdit, 'arn' | 'username'>): string {
  return `- rolearn: ${edit.arn}\n  username: ${edit.username}\n  groups:\n    - eks-access:view\n`;
}

export function grant(n: number): TextEdit {
  return { op: 'add', arn: `arn:aws:iam::${ACCOUNT}:role/dev-${n}`, username: `dev-${n}` };
}

/** Appends or removes items by text, idempotently; keeps every other data key as it was. */
export const textFold: Fold<TextEdit, TextResult> = (data, edits) => {
  let mapRoles = data?.['mapRoles'] ?? '';
  const results: Record<string, TextResult> = {};
  for (const { id, edit } of edits) {
    const block = item(edit);
    const isPresent = mapRoles.includes(block);
    if (edit.op === 'add' && !isPresent) {
      mapRoles = `${mapRoles}${mapRoles === '' || mapRoles.endsWith('\n') ? '' : '\n'}${block}`;
    }
    if (edit.op === 'remove' && isPresent) mapRoles = mapRoles.replace(block, '');
    results[id] = isPresent === (edit.op === 'add') ? 'unchanged' : edit.op === 'add' ? 'added' : 'removed';
  }
  return { data: { ...data, mapRoles }, results };
};
