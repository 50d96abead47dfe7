/**
 * Issue 19, "Diagnosis for sessions" and the general engine's gaps, through Slack against the fakes: who deleted an
 * access entry (CloudTrail, recorded by the EKS fake as the deleter called it), a group mapping no binding names,
 * a pasted identity that is not the mapped one, and a session whose binding spells the username with `@`.
 */
import { DeleteAccessEntryCommand, EKSClient } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { createEksToken } from '../../src/adapters/kubernetes/eks-token.ts';
import { ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const ADMIN_KEY = { accessKeyId: 'AKIAE2EADMINBOB00001', secretAccessKey: 'admin-secret-not-real' };
const ADMIN_ROLE = 'arn:aws:iam::111122223333:role/Admin';
const ADMIN_BOB = 'arn:aws:sts::111122223333:assumed-role/Admin/bob';
const DEV_SET = 'AWSReservedSSO_Dev_0123456789abcdef';
const DEV_ROLE = `arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/${DEV_SET}`;
const FRANK = 'U0FRANK';
const FRANK_SESSION = 'frank@example.com';

let sandbox: E2eSandbox;
useRunningBot(
  (started) => {
    sandbox = started;
    sandbox.cloudtrail.recordEksChanges(sandbox.eks, (key) =>
      key === ADMIN_KEY.accessKeyId ? { type: 'AssumedRole', roleArn: ADMIN_ROLE, sessionName: 'bob' } : undefined,
    );
    sandbox.iam.addRole(DEV_ROLE);
  },
  { usersExtra: `  ${FRANK}: { role: "${DEV_ROLE}", session: "${FRANK_SESSION}" }\n` },
);

/** Without the code marks around ARNs and the zero-width spaces that keep `_` from starting italics. */
const plain = (text: string) => text.replaceAll('`', '').replaceAll('\u200b', '');
/** The message as a person reads it: headline and blocks. */
const textOf = (m: SlackMessage) => plain(`${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`);

/** The thread message that went from "Checking…" to a verdict. */
async function diagnosisIn(threadTs: string): Promise<SlackMessage> {
  return await waitFor(
    () =>
      sandbox.slack
        .messages({ threadTs })
        .find((m) => m.history.some((v) => /Checking/.test(v.text ?? '')) && !/Checking/.test(m.text ?? '')),
    { timeoutMs: 20_000, what: `a diagnosis in thread ${threadTs}` },
  );
}

describe('diagnosis: who changed it, RBAC, stated identities and sessions', () => {
  it('names who deleted the access entry, from CloudTrail', async () => {
    sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: ARNS.alice, policies: [{ policyArn: VIEW }] });
    const admin = new EKSClient({ region: 'us-east-1', credentials: ADMIN_KEY, endpoint: sandbox.eks.url });
    await admin.send(new DeleteAccessEntryCommand({ clusterName: 'prod-cluster', principalArn: ARNS.alice }));
    admin.destroy();

    const sent = await sandbox.mention(PEOPLE.alice, 'why am I unauthorized on prod-cluster?');
    const answer = await diagnosisIn(sent.ts);

    expect(answer.text).toContain(`The access entry for ${ARNS.alice} was deleted by ${ADMIN_BOB}`);
    expect(textOf(answer)).toMatch(
      new RegExp(
        `CloudTrail: DeleteAccessEntry for ${ARNS.alice} by ${ADMIN_BOB} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`,
      ),
    );
  });

  it('says which group no binding names, and gives the binding to add', async () => {
    sandbox.eks.seedAccessEntry('staging', { principalArn: ARNS.dave, kubernetesGroups: ['dev-team'] });
    sandbox.kube.staging.addClusterRoleBinding('ops-view', 'view', [{ kind: 'Group', name: 'ops' }]);

    const sent = await sandbox.mention(PEOPLE.dave, 'why am I unauthorized on staging');
    const answer = await diagnosisIn(sent.ts);

    expect(answer.text).toContain('No RoleBinding/ClusterRoleBinding names group dev-team');
    expect(textOf(answer)).toContain('Bindings for group dev-team: none');
    expect(textOf(answer)).toContain(
      "kubectl create clusterrolebinding eks-access-dev-team --clusterrole=view --group='dev-team'",
    );
    expect(textOf(answer)).not.toContain('Access should work');
  });

  it('leads with the mismatch when the pasted identity is not the mapped one', async () => {
    const pasted = JSON.stringify({
      UserId: 'AROAEXAMPLE:erin',
      Account: '111122223333',
      Arn: 'arn:aws:sts::111122223333:assumed-role/bob-admin/erin',
    });
    const sent = await sandbox.mention(PEOPLE.erin, `why am I unauthorized on staging? \`\`\`${pasted}\`\`\``);
    const answer = await diagnosisIn(sent.ts);
    const text = textOf(answer);

    // The headline (the verdict) is the mismatch, whichever way the pasted text was read.
    expect(answer.text).toContain(`not ${ARNS.erin}, the identity mapped for you`);
    const mismatchAt = text.indexOf('the identity mapped for you');
    const pastedMappingAt = text.indexOf('is not mapped on staging');
    expect(mismatchAt).toBeGreaterThanOrEqual(0);
    expect(pastedMappingAt === -1 || mismatchAt < pastedMappingAt).toBe(true);
  });

  it("names the binding for the @ spelling of a session's username", async () => {
    sandbox.eks.seedAccessEntry('staging', { principalArn: DEV_ROLE });
    const atSpelling = `arn:aws:sts::111122223333:assumed-role/${DEV_SET}/${FRANK_SESSION}`;
    const rendered = `arn:aws:sts::111122223333:assumed-role/${DEV_SET}/frank-example.com`;
    sandbox.kube.staging.addClusterRoleBinding('frank-view', 'view', [{ kind: 'User', name: atSpelling }]);

    const sent = await sandbox.mention(FRANK, 'why am I unauthorized on staging');
    const answer = await diagnosisIn(sent.ts);

    expect(textOf(answer)).toContain(`A binding names ${atSpelling}, but EKS renders your username as ${rendered}`);
    expect(textOf(answer)).toContain(`--user='${rendered}'`);
    expect(sandbox.eks.policies('staging', DEV_ROLE)).toEqual([]);
  });

  it('diagnoses a linked role session as that session (nobody listed it in users:)', async () => {
    const grace = 'U0GRACE';
    const graceKey = { accessKeyId: 'AKIAE2EGRACE00000001', secretAccessKey: 'grace-secret-not-real' };
    const sharedRole = 'arn:aws:iam::111122223333:role/shared-dev';
    sandbox.sts.addKey(graceKey.accessKeyId, graceKey.secretAccessKey, {
      account: '111122223333',
      arn: 'arn:aws:iam::111122223333:user/grace',
      userId: 'AIDAE2EGRACE',
    });
    sandbox.sts.allowRole(sharedRole);
    sandbox.iam.addRole(sharedRole);
    const sts = new STSClient({ region: 'us-east-1', credentials: graceKey, endpoint: sandbox.sts.url });
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: sharedRole, RoleSessionName: 'grace@example.com' }),
    );
    sts.destroy();
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole gave no credentials');
    const { token } = await createEksToken({
      clusterName: 'eks-access-link',
      region: 'us-east-1',
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
      now: Date.now(),
      dnsSuffix: 'amazonaws.com',
    });
    const linked = await sandbox.dm(grace, `link ${token}`);
    await sandbox.slack.waitForMessage((m) => m.threadTs === linked.ts && /Linked you to/.test(textOf(m)), 20_000);
    sandbox.eks.seedAccessEntry('staging', { principalArn: sharedRole });
    const atSpelling = 'arn:aws:sts::111122223333:assumed-role/shared-dev/grace@example.com';
    sandbox.kube.staging.addClusterRoleBinding('grace-view', 'view', [{ kind: 'User', name: atSpelling }]);

    const sent = await sandbox.mention(grace, 'why am I unauthorized on staging');
    const answer = await diagnosisIn(sent.ts);

    expect(textOf(answer)).toContain(
      `A binding names ${atSpelling}, but EKS renders your username as arn:aws:sts::111122223333:assumed-role/shared-dev/grace-example.com`,
    );
  });
});
