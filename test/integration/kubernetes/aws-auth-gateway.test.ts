import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createAwsAuthGateways } from '../../../src/adapters/kubernetes/aws-auth-gateways.ts';
import type { ClusterSettings } from '../../../src/core/settings.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import type { AuditEvent } from '../../../src/usecases/ports/audit.ts';
import { ACCOUNT, BOT_KEY, NODE_ROLES, START, type World, world } from './world.ts';

let w: World;
let audit: AuditEvent[];

beforeEach(async () => {
  w = await world();
  w.kube.setConfigMap('kube-system', 'aws-auth', START);
  audit = [];
});

afterEach(async () => {
  expect(w.kube.unexpected).toEqual([]);
  await w.close();
});

/** One gateway per simulated worker process, each with its own Redis connection, all on one cluster. */
function gateway(redis = w.connection()) {
  const settings: ClusterSettings = {
    name: w.cluster,
    aliases: [],
    region: 'us-east-1',
    accountId: ACCOUNT,
    method: 'aws-auth',
    approvers: ['U0A'],
    requiredApprovals: 1,
  };
  const gateways = createAwsAuthGateways({
    redis,
    prefix: w.prefix,
    // The gateway only uses the clients' credentials (for the EKS token); no AWS SDK client is needed here.
    clients: { forCluster: () => ({ credentials: async () => BOT_KEY }) as never },
    audit: { append: async (event) => void audit.push(event) },
    log: createLogger('silent'),
  });
  return gateways.forCluster(settings, w.target.connection);
}

const person = (n: number) => ({
  kind: 'role' as const,
  arn: `arn:aws:iam::${ACCOUNT}:role/person-${n}`,
  username: `eks-access:person-${n}`,
  groups: ['eks-access:view'],
});

describe('aws-auth gateway: the core edit and safety check behind the single writer', () => {
  it('lands 100 concurrent grants from 10 workers with every entry present, nodes and mapAccounts untouched, one history entry per write', async () => {
    const workers = Array.from({ length: 10 }, () => gateway());

    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        workers[n % 10]?.submit(`grant-${n}`, {
          ops: [{ op: 'upsert', id: `grant-${n}`, item: person(n) }],
          creator: { isKnown: false },
        }),
      ),
    );

    expect(outcomes.map((o) => o?.result.status)).toEqual(Array(100).fill('applied'));
    const data = w.kube.configMap('kube-system', 'aws-auth')?.data ?? {};
    const roles = parse(data['mapRoles'] ?? '') as { rolearn: string }[];
    expect(roles).toHaveLength(100 + (parse(NODE_ROLES) as unknown[]).length);
    expect(data['mapRoles']?.startsWith(NODE_ROLES)).toBe(true);
    expect(data['mapAccounts']).toBe(START.mapAccounts);
    const writes = w.kube.writes('kube-system', 'aws-auth');
    expect(writes).toBeLessThanOrEqual(10);
    expect(audit.filter((e) => e.type === 'aws_auth_write')).toHaveLength(writes);
  });

  it('keeps a person’s edit that lands between the bot’s read and its write', async () => {
    const hold = w.kube.hold('ReplaceConfigMap');
    const submitted = gateway().submit('grant-1', {
      ops: [{ op: 'upsert', id: 'grant-1', item: person(1) }],
      creator: { isKnown: false },
    });
    await hold.arrived;
    const current = w.kube.configMap('kube-system', 'aws-auth')?.data ?? {};
    w.kube.setConfigMap('kube-system', 'aws-auth', {
      ...current,
      mapRoles: `${current['mapRoles'] ?? ''}- rolearn: arn:aws:iam::${ACCOUNT}:role/by-hand\n  username: by-hand\n  groups:\n    - ops\n`,
    });
    hold.release();

    const outcome = await submitted;

    expect(outcome.result.status).toBe('applied');
    const roles = parse(w.kube.configMap('kube-system', 'aws-auth')?.data['mapRoles'] ?? '') as { rolearn: string }[];
    expect(roles.map((r) => r.rolearn)).toEqual(
      expect.arrayContaining([`arn:aws:iam::${ACCOUNT}:role/by-hand`, person(1).arn]),
    );
  });

  it('refuses to change a node role, and writes nothing', async () => {
    const before = w.kube.configMap('kube-system', 'aws-auth')?.resourceVersion;
    const nodeArn = (parse(NODE_ROLES) as { rolearn: string }[])[0]?.rolearn ?? '';

    const outcome = await gateway().submit('evil', {
      ops: [
        {
          op: 'upsert',
          id: 'evil',
          item: { kind: 'role', arn: nodeArn, username: 'eks-access:evil', groups: ['eks-access:cluster-admin'] },
        },
      ],
      creator: { isKnown: false },
    });

    expect(outcome.result.status).toBe('refused');
    expect(w.kube.configMap('kube-system', 'aws-auth')?.resourceVersion).toBe(before);
  });
});
