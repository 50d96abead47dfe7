import { EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EksFake } from '../../../sandbox/aws/eks.ts';
import { createClusterDescriptions } from '../../../src/adapters/aws/cluster-descriptions.ts';
import { createEksAccessEntries } from '../../../src/adapters/aws/eks-access-entries.ts';
import { SANDBOX_CREDENTIALS, setEnv } from '../sandbox/aws-env.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
const principal = (i: number) => `arn:aws:iam::111122223333:role/listed-${String(i).padStart(3, '0')}`;

let eks: EksFake;
let restoreEnv: () => void;
let client: EKSClient;

beforeAll(async () => {
  eks = await EksFake.start();
  restoreEnv = setEnv({ AWS_ENDPOINT_URL_EKS: eks.url });
  client = new EKSClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
  eks.addCluster({ name: 'listed', authenticationMode: 'API' });
  // 250 entries: every third holds view (cluster-wide or on one namespace), the others edit or nothing.
  for (let i = 0; i < 250; i++) {
    const policies =
      i % 3 === 0
        ? [
            {
              policyArn: VIEW,
              accessScope:
                i % 2 === 0
                  ? { type: 'cluster' as const, namespaces: [] }
                  : { type: 'namespace' as const, namespaces: ['a'] },
            },
          ]
        : i % 3 === 1
          ? [{ policyArn: EDIT, accessScope: { type: 'cluster' as const, namespaces: [] } }]
          : [];
    eks.seedAccessEntry('listed', { principalArn: principal(i), policies });
  }
});

afterAll(async () => {
  client.destroy();
  restoreEnv();
  await eks.close();
});

const listCalls = () => eks.callsTo('ListAccessEntries').filter((c) => c.path === '/clusters/listed/access-entries');

describe('ListAccessEntries through the access-entry gateway', () => {
  it('pages through every entry, 100 at a time', async () => {
    const entries = createEksAccessEntries(client, 'listed', createClusterDescriptions(client, 'listed', Date.now));
    const before = listCalls().length;

    const all = await entries.listPrincipals();

    expect(all).toHaveLength(250);
    expect(new Set(all)).toEqual(new Set(Array.from({ length: 250 }, (_, i) => principal(i))));
    const calls = listCalls().slice(before);
    expect(calls.map((c) => c.query['maxResults'])).toEqual(['100', '100', '100']);
    expect(calls.map((c) => c.query['nextToken'] !== undefined)).toEqual([false, true, true]);
    expect(calls.every((c) => c.query['associatedPolicyArn'] === undefined)).toBe(true);
  });

  it('with a policy, gives exactly the entries holding it at any scope, paged', async () => {
    const entries = createEksAccessEntries(client, 'listed', createClusterDescriptions(client, 'listed', Date.now));
    const before = listCalls().length;

    const viewers = await entries.listPrincipalsWithPolicy(VIEW);

    const expected = Array.from({ length: 250 }, (_, i) => i)
      .filter((i) => i % 3 === 0)
      .map(principal);
    expect(expected).toHaveLength(84);
    expect(new Set(viewers)).toEqual(new Set(expected));
    expect(viewers).toHaveLength(84);
    const calls = listCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.query).toMatchObject({ associatedPolicyArn: VIEW, maxResults: '100' });
  });

  it('pages a filtered list that is longer than a page', async () => {
    eks.addCluster({ name: 'viewers', authenticationMode: 'API' });
    for (let i = 0; i < 130; i++) {
      eks.seedAccessEntry('viewers', {
        principalArn: principal(i),
        policies: [{ policyArn: i < 120 ? VIEW : EDIT, accessScope: { type: 'cluster', namespaces: [] } }],
      });
    }
    const entries = createEksAccessEntries(client, 'viewers', createClusterDescriptions(client, 'viewers', Date.now));

    const viewers = await entries.listPrincipalsWithPolicy(VIEW);

    expect(new Set(viewers)).toEqual(new Set(Array.from({ length: 120 }, (_, i) => principal(i))));
    const calls = eks.callsTo('ListAccessEntries').filter((c) => c.path === '/clusters/viewers/access-entries');
    expect(calls.map((c) => [c.query['associatedPolicyArn'], c.query['nextToken'] !== undefined])).toEqual([
      [VIEW, false],
      [VIEW, true],
    ]);
  });

  it('answers a cluster without access entries (CONFIG_MAP only) with the wrong-mode error', async () => {
    eks.addCluster({ name: 'configmap-only', authenticationMode: 'CONFIG_MAP' });
    const entries = createEksAccessEntries(
      client,
      'configmap-only',
      createClusterDescriptions(client, 'configmap-only', Date.now),
    );

    await expect(entries.listPrincipalsWithPolicy(VIEW)).rejects.toMatchObject({ code: 'aws_wrong_mode' });
  });
});
