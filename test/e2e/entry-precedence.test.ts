import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { fileAndApprove } from '../support/approved-request.ts';
import type { E2eSandbox } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/** People whose IAM roles aws-auth already maps on staging (API_AND_CONFIG_MAP). */
const MAPPED = { user: 'U0MAPPED', arn: 'arn:aws:iam::111122223333:role/teams/dev-role' };
const NODE = { user: 'U0NODE', arn: 'arn:aws:iam::111122223333:role/eks-node-role' };
const FARGATE = { user: 'U0FARGATE', arn: 'arn:aws:iam::111122223333:role/fargate-pods' };
const MASTERS = { user: 'U0MASTERS', arn: 'arn:aws:iam::111122223333:role/ops-admin' };
const PEOPLE_MAPPED = [MAPPED, NODE, FARGATE, MASTERS];

// aws-auth spells roles without their IAM path (dev-role lives under /teams/), as the authenticator matches them.
const STAGING_AWS_AUTH = [
  '- rolearn: arn:aws:iam::111122223333:role/eks-node-role',
  '  username: system:node:{{EC2PrivateDNSName}}',
  '  groups:',
  '    - system:bootstrappers',
  '    - system:nodes',
  '- rolearn: arn:aws:iam::111122223333:role/fargate-pods',
  '  username: system:node:{{SessionName}}',
  '  groups: [system:bootstrappers, system:nodes, system:node-proxier]',
  '- rolearn: arn:aws:iam::111122223333:role/ops-admin',
  '  username: ops-admin',
  '  groups: [system:masters]',
  '# the dev team reads everything',
  '- rolearn: arn:aws:iam::111122223333:role/dev-role',
  '  username: dev',
  '  groups:',
  '    - readers',
  '',
].join('\n');

let sandbox: E2eSandbox;
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
useRunningBot(
  (started) => {
    sandbox = started;
    for (const person of PEOPLE_MAPPED) sandbox.iam.addRole(person.arn);
    sandbox.kube.staging.setConfigMap('kube-system', 'aws-auth', { mapRoles: STAGING_AWS_AUTH });
  },
  { usersExtra: PEOPLE_MAPPED.map((p) => `  ${p.user}: ${p.arn}\n`).join('') },
);

const awsAuth = () => sandbox.kube.staging.configMap('kube-system', 'aws-auth');

async function approved(user: string, text: string) {
  const { id, threadTs, card } = await fileAndApprove(sandbox, user, text);
  const sent = { ts: threadTs };
  await waitFor(async () => ['granted', 'failed'].includes((await sandbox.request(id))?.status ?? ''), {
    timeoutMs: 20_000,
    what: `${id} applied`,
  });
  return { id, threadTs: sent.ts, card };
}

describe('access entries on API_AND_CONFIG_MAP take precedence over aws-auth: never silently', () => {
  it('carries the aws-auth username and groups into the entry, shows it on the card, and deletes the entry at the end', async () => {
    const before = awsAuth()?.data;

    const { id, card } = await approved(MAPPED.user, 'grant me view on staging for 1h');
    const entry = sandbox.eks.entry('staging', MAPPED.arn);
    await sandbox.mention(MAPPED.user, 'revoke my access to staging');
    await waitFor(async () => (await sandbox.request(id))?.status === 'revoked', {
      timeoutMs: 20_000,
      what: 'revoked',
    });

    expect((await sandbox.request(id))?.status).toBe('revoked');
    expect(entry?.username).toBe('dev');
    expect(entry?.kubernetesGroups).toEqual(['readers']);
    expect(textOf(card)).toContain('aws-auth maps this role as `dev` in `readers`; the access entry keeps that');
    expect(sandbox.eks.entry('staging', MAPPED.arn)).toBeUndefined();
    expect(awsAuth()?.data).toEqual(before);
  });

  it.each([
    ['a node role', NODE, /node, Fargate or Windows role/],
    ['a Fargate role', FARGATE, /node, Fargate or Windows role/],
    [
      'a system:masters principal',
      MASTERS,
      /already has cluster-admin through aws-auth.*an access entry would replace it/,
    ],
  ])('refuses an entry for %s: nothing written, the reason in the thread and the audit', async (_, person, reason) => {
    const before = awsAuth();

    const { id, threadTs, card } = await approved(person.user, 'grant me view on staging for 1h');
    const told = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /failed/.test(m.text ?? ''));

    expect((await sandbox.request(id))?.status).toBe('failed');
    expect(told.text).toMatch(reason);
    expect(textOf(card)).toContain('this grant will be refused');
    expect(sandbox.eks.entry('staging', person.arn)).toBeUndefined();
    expect(awsAuth()?.resourceVersion).toBe(before?.resourceVersion);
    expect(awsAuth()?.data).toEqual(before?.data);
    const refused = (await sandbox.auditEvents()).find((e) => e.requestId === id && e.type === 'refused');
    expect(refused?.detail?.['code']).toMatch(/node_entry_protected|aws_auth_cluster_admin/);
  });
});
