import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fileAndApprove } from '../support/approved-request.ts';
import { ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { textOf } from '../support/policy-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

// Li works in the China account, Grace in GovCloud: their ARNs, the clusters' policies and the STS hosts the
// clusters' API servers accept all carry another partition than aws.
const LI = 'U0LI';
const GRACE = 'U0GRACE';
const LI_ARN = 'arn:aws-cn:iam::111122223333:user/li';
const GRACE_ARN = 'arn:aws-us-gov:iam::111122223333:user/grace';

let sandbox: E2eSandbox;
useRunningBot(
  (started) => {
    sandbox = started;
    sandbox.iam.addUser(LI_ARN);
    sandbox.iam.addUser(GRACE_ARN);
  },
  { partitions: true, usersExtra: `  ${LI}: ${LI_ARN}\n  ${GRACE}: ${GRACE_ARN}\n` },
);

async function granted(id: string): Promise<void> {
  await waitFor(async () => ['granted', 'failed'].includes((await sandbox.request(id))?.status ?? ''), {
    timeoutMs: 30_000,
    what: `${id} ended`,
  });
  const request = await sandbox.request(id);
  expect(request?.failure).toBeUndefined();
  expect(request?.status).toBe('granted');
}

describe('clusters in China and GovCloud', () => {
  it("refuses, and files nothing, when the person's identity is in another partition than the cluster", async () => {
    const requestsBefore = (await sandbox.auditEvents()).filter((e) => e.type === 'requested').length;
    const sent = await sandbox.mention(PEOPLE.alice, 'grant me view on cn-prod for 1h because INC-6');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts, 20_000);

    expect(textOf(reply)).toContain('partition');
    expect(textOf(reply)).toContain('aws-cn');
    const audit = await sandbox.auditEvents();
    expect(audit.filter((e) => e.type === 'requested')).toHaveLength(requestsBefore);
    expect(audit.some((e) => e.type === 'refused' && e.detail?.['code'] === 'partition_mismatch')).toBe(true);
    expect(sandbox.eks.entries('cn-prod').map((e) => e.principalArn)).not.toContain(ARNS.alice);
  });

  it('grants on a China cluster with the aws-cn access policy, shown on the card', async () => {
    const { id, card } = await fileAndApprove(sandbox, LI, 'grant me view on cn-prod for 1h because INC-7');
    await granted(id);

    const policy = 'arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
    expect(textOf(card)).toContain(policy);
    expect(sandbox.eks.policies('cn-prod', LI_ARN).map((p) => p.policyArn)).toEqual([policy]);
  });

  it('grants on a GovCloud cluster with the aws-us-gov access policy', async () => {
    const { id } = await fileAndApprove(sandbox, GRACE, 'grant me edit on gov-prod for 1h because INC-8');
    await granted(id);

    expect(sandbox.eks.policies('gov-prod', GRACE_ARN).map((p) => p.policyArn)).toEqual([
      'arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSEditPolicy',
    ]);
  });

  it('edits aws-auth on a China CONFIG_MAP cluster: its API server accepts only tokens for the .com.cn STS host', async () => {
    const { id } = await fileAndApprove(sandbox, LI, 'grant me view on cn-legacy for 1h because INC-9');
    await granted(id);

    const data = sandbox.kube['cn-legacy']?.configMap('kube-system', 'aws-auth')?.data ?? {};
    const users = parse(data['mapUsers'] ?? '') as { userarn: string }[];
    expect(users.map((u) => u.userarn)).toEqual([LI_ARN]);
    const roles = parse(data['mapRoles'] ?? '') as { rolearn: string }[];
    expect(roles.map((r) => r.rolearn)).toEqual(['arn:aws-cn:iam::111122223333:role/eks-node-role']);
  });
});
