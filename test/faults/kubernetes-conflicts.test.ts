import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { grantedReplies, submitRequest } from '../support/requests.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

let sandbox: E2eSandbox;
useRunningBot((started) => {
  sandbox = started;
});

it('the Kubernetes API answers 409 Conflict to every second update: every aws-auth edit still lands, once', async () => {
  const kube = sandbox.kube['old-cluster'];
  const people = [PEOPLE.alice, PEOPLE.dave, PEOPLE.erin];
  const requests = [];
  for (const user of people) requests.push(await submitRequest(sandbox, user, 'grant me view on old-cluster'));
  kube.conflictEveryNthUpdate(2);

  // One after another, so there are several writes for the conflicts to hit (concurrent ones fold into one).
  for (const r of requests) {
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: r.card.channel, ts: r.card.ts, value: r.id });
    await waitFor(async () => ['granted', 'failed'].includes((await sandbox.request(r.id))?.status ?? ''), {
      timeoutMs: 60_000,
      what: `${r.id} to end`,
    });
  }
  kube.conflictEveryNthUpdate(0);
  for (const r of requests) {
    await waitFor(() => grantedReplies(sandbox, r.threadTs).length > 0, { what: `the reply for ${r.id}` });
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const conflicts = kube.calls.filter((c) => c.method === 'PUT' && c.status === 409);
  console.log(`409s injected: ${conflicts.length}, PUTs: ${kube.calls.filter((c) => c.method === 'PUT').length}`);
  expect(conflicts.length).toBeGreaterThanOrEqual(1);
  const users = parse(kube.configMap('kube-system', 'aws-auth')?.data['mapUsers'] ?? '') as { userarn: string }[];
  expect(users.map((u) => u.userarn).sort()).toEqual([ARNS.alice, ARNS.dave, ARNS.erin].sort());
  for (const r of requests) {
    expect((await sandbox.request(r.id))?.status).toBe('granted');
    expect(grantedReplies(sandbox, r.threadTs)).toHaveLength(1);
  }
  const roles = parse(kube.configMap('kube-system', 'aws-auth')?.data['mapRoles'] ?? '') as { rolearn: string }[];
  expect(roles.map((r) => r.rolearn)).toEqual([
    'arn:aws:iam::111122223333:role/eks-node-role',
    'arn:aws:iam::111122223333:role/ops-admin',
  ]);
});
