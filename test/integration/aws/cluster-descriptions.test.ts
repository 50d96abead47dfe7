import { EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EksFake } from '../../../sandbox/aws/eks.ts';
import { createClusterDescriptions } from '../../../src/adapters/aws/cluster-descriptions.ts';
import { createEksAccessEntries } from '../../../src/adapters/aws/eks-access-entries.ts';
import { describeClusterFacts } from '../../../src/adapters/aws/eks-diagnostics.ts';
import { SANDBOX_CREDENTIALS, setEnv } from '../sandbox/aws-env.ts';

let eks: EksFake;
let restoreEnv: () => void;
let client: EKSClient;
let clock = Date.UTC(2026, 0, 1);

const callsOn = (cluster: string) => eks.callsTo('DescribeCluster').filter((c) => c.path === `/clusters/${cluster}`);

beforeAll(async () => {
  eks = await EksFake.start();
  restoreEnv = setEnv({ AWS_ENDPOINT_URL_EKS: eks.url });
  client = new EKSClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
});

afterAll(async () => {
  client.destroy();
  restoreEnv();
  await eks.close();
});

describe('cluster descriptions shared by the gateways of one cluster', () => {
  it('answers from the last description within the age asked, and calls EKS when asked for none', async () => {
    eks.addCluster({ name: 'cached', authenticationMode: 'API_AND_CONFIG_MAP' });
    const descriptions = createClusterDescriptions(client, 'cached', () => clock);

    const first = await descriptions.describe(10_000);
    clock += 5_000;
    const second = await descriptions.describe(10_000);
    expect(callsOn('cached')).toHaveLength(1);
    expect(second?.accessConfig?.authenticationMode).toBe(first?.accessConfig?.authenticationMode);

    await descriptions.describe();
    expect(callsOn('cached')).toHaveLength(2);
    clock += 10_001;
    await descriptions.describe(10_000);
    expect(callsOn('cached')).toHaveLength(3);
  });

  it('lets concurrent callers that accept an age share one call', async () => {
    eks.addCluster({ name: 'burst', authenticationMode: 'API' });
    const descriptions = createClusterDescriptions(client, 'burst', () => clock);

    const answers = await Promise.all(Array.from({ length: 20 }, () => descriptions.describe(10_000)));

    expect(callsOn('burst')).toHaveLength(1);
    expect(new Set(answers.map((c) => c?.accessConfig?.authenticationMode))).toEqual(new Set(['API']));
  });

  it('forgets what it knew once this process changes the authentication mode', async () => {
    eks.addCluster({ name: 'switching', authenticationMode: 'CONFIG_MAP' });
    const descriptions = createClusterDescriptions(client, 'switching', () => clock);
    const entries = createEksAccessEntries(client, 'switching', descriptions);
    expect((await entries.describeCluster({ maxAgeMs: 60_000 })).authenticationMode).toBe('CONFIG_MAP');

    await entries.updateAuthenticationMode('API_AND_CONFIG_MAP', 'token-switch-1');
    const after = await entries.describeCluster({ maxAgeMs: 60_000 });

    expect(callsOn('switching')).toHaveLength(2);
    expect(after.authenticationMode).toBe('API_AND_CONFIG_MAP');
  });

  it('gives the diagnosis the same shared answer, and a missing cluster as a fact, not an error', async () => {
    eks.addCluster({ name: 'facts', authenticationMode: 'API' });
    const descriptions = createClusterDescriptions(client, 'facts', () => clock);
    await descriptions.describe();

    const cached = await describeClusterFacts(descriptions, 10_000);
    expect(cached.facts).toMatchObject({ found: true, authenticationMode: 'API' });
    expect(callsOn('facts')).toHaveLength(1);

    const missing = await describeClusterFacts(createClusterDescriptions(client, 'no-such-cluster', () => clock));
    expect(missing.facts).toEqual({ found: false });
  });
});
