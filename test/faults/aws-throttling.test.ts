import { expect, it } from 'vitest';
import { ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { grantedReplies, submitRequest } from '../support/requests.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const OUTAGE_MS = 12_000;

let sandbox: E2eSandbox;
// The "still working" note after 3 s here instead of 30 s.
useRunningBot(
  (started) => {
    sandbox = started;
  },
  { env: { EKS_ACCESS_SLOW_NOTICE_MS: '3000' } },
);

it('EKS throttles and answers 5xx for a while: retried with backoff, granted once, and the requester told it is slow', async () => {
  const people = [
    [PEOPLE.alice, ARNS.alice],
    [PEOPLE.dave, ARNS.dave],
    [PEOPLE.erin, ARNS.erin],
  ] as const;
  const requests = [];
  for (const [user, arn] of people) {
    requests.push({ ...(await submitRequest(sandbox, user, 'grant me view on prod for 1h')), arn });
  }
  const outage = sandbox.eks.failFor(['DescribeAccessEntry', 'CreateAccessEntry', 'AssociateAccessPolicy'], OUTAGE_MS, [
    { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
    { status: 500, code: 'ServerException', message: 'Internal failure' },
    { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
    { status: 503, code: 'ServiceUnavailableException', message: 'Service unavailable' },
  ]);

  await Promise.all(
    requests.map((r) =>
      sandbox.click(PEOPLE.approver1, 'approve', { channel: r.card.channel, ts: r.card.ts, value: r.id }),
    ),
  );
  for (const r of requests) {
    await waitFor(async () => (await sandbox.request(r.id))?.status === 'granted', {
      timeoutMs: 120_000,
      what: `${r.id} granted`,
    });
  }
  for (const r of requests) {
    await waitFor(() => grantedReplies(sandbox, r.threadTs).length > 0, { what: `the reply for ${r.id}` });
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const grantedAt = Math.max(...requests.map((r) => grantedReplies(sandbox, r.threadTs)[0]?.postedAt ?? 0));
  console.log(`all granted ${grantedAt - outage.endsAt} ms after the outage ended`);
  const inOutage = sandbox.eks.calls.filter((c) => c.at < outage.endsAt && c.status !== undefined && c.status >= 400);
  expect(inOutage.length).toBeGreaterThanOrEqual(requests.length);
  // Backoff, not a hot loop: a few tries per request and second, not hundreds.
  expect(inOutage.length).toBeLessThan(requests.length * 40);
  for (const r of requests) {
    const thread = sandbox.slack.messages({ threadTs: r.threadTs });
    const notes = thread.filter((m) => /Still working on/.test(m.text ?? ''));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toMatch(/throttling|errors/);
    const granted = grantedReplies(sandbox, r.threadTs);
    expect(granted).toHaveLength(1);
    const order = thread.map((m) => m.ts);
    expect(order.indexOf(notes[0]?.ts ?? '')).toBeLessThan(order.indexOf(granted[0]?.ts ?? 'missing'));
    expect(order.indexOf(granted[0]?.ts ?? 'missing')).toBeGreaterThan(0);
    const creates = sandbox.eks
      .callsTo('CreateAccessEntry')
      .filter((c) => c.status === 200 && c.body.includes(JSON.stringify(r.arn)));
    expect(creates).toHaveLength(1);
    expect(sandbox.eks.policies('prod-cluster', r.arn).map((p) => p.policyArn)).toEqual([VIEW]);
    expect((await sandbox.auditEvents()).filter((e) => e.requestId === r.id && e.type === 'granted')).toHaveLength(1);
  }
});
