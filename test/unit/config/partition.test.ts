import type { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { kubeConfigFor } from '../../../src/adapters/kubernetes/cluster-api.ts';
import { ConfigError, parseConfig } from '../../../src/config/load.ts';
import { partitionOfRegion } from '../../../src/config/partition.ts';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

function configFor(region: string, roleArn?: string): string {
  return [
    'clusters:',
    '  - name: c1',
    `    region: ${region}`,
    "    accountId: '111122223333'",
    ...(roleArn ? [`    roleArn: ${roleArn}`] : []),
    '    approvers: [U0APPROVER]',
  ].join('\n');
}

function stsHostOf(config: KubeConfig): string {
  const token = config.getCurrentUser()?.token ?? '';
  const url = Buffer.from(token.replace(/^k8s-aws-v1\./, ''), 'base64url').toString('utf8');
  return new URL(url).host;
}

describe('AWS partitions, from the SDK’s endpoint data', () => {
  it.each([
    ['us-east-1', 'aws', 'amazonaws.com'],
    ['eu-central-2', 'aws', 'amazonaws.com'],
    ['cn-north-1', 'aws-cn', 'amazonaws.com.cn'],
    ['cn-northwest-1', 'aws-cn', 'amazonaws.com.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com'],
    ['us-iso-east-1', 'aws-iso', 'c2s.ic.gov'],
    ['us-isob-east-1', 'aws-iso-b', 'sc2s.sgov.gov'],
  ])('%s is in %s with DNS suffix %s', (region, partition, dnsSuffix) => {
    expect(partitionOfRegion(region)).toEqual({ partition, dnsSuffix });
  });

  it('gives every loaded cluster its partition', () => {
    const china = parseConfig(configFor('cn-north-1'));
    expect(china.clusters[0]).toMatchObject({ partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' });
    const govcloud = parseConfig(configFor('us-gov-east-1'));
    expect(govcloud.clusters[0]).toMatchObject({ partition: 'aws-us-gov', dnsSuffix: 'amazonaws.com' });
  });

  it('refuses a cluster role from another partition, naming the key and the fix', () => {
    const attempt = () => parseConfig(configFor('cn-north-1', 'arn:aws:iam::111122223333:role/eks-access'));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/clusters\[0\]\.roleArn: .* is in partition aws, but region cn-north-1 is in aws-cn/);
    expect(parseConfig(configFor('cn-north-1', 'arn:aws-cn:iam::111122223333:role/eks-access')).clusters).toHaveLength(
      1,
    );
  });

  it.each([
    ['cn-north-1', 'sts.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com'],
    ['us-iso-east-1', 'sts.us-iso-east-1.c2s.ic.gov'],
    ['eu-west-1', 'sts.eu-west-1.amazonaws.com'],
  ])('signs the Kubernetes token of a %s cluster for %s', async (region, host) => {
    const config = await kubeConfigFor({
      clusterName: 'c1',
      region,
      connection: { endpoint: 'https://127.0.0.1:1', caData: '' },
      credentials: async () => CREDENTIALS,
      now: () => Date.UTC(2026, 11, 7),
    });
    expect(stsHostOf(config)).toBe(host);
  });
});
