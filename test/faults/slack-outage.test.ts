import { expect, it } from 'vitest';
import { type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { grantedReplies, submitRequest } from '../support/requests.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

const OUTAGE_MS = 30_000;

let sandbox: E2eSandbox;
// With the product's own per-channel pacing: retries after the outage must still respect Slack's budget.
useRunningBot(
  (started) => {
    sandbox = started;
  },
  { env: { EKS_ACCESS_SLACK_POST_INTERVAL_MS: '1000' } },
);

it('the Slack Web API answers 429 with Retry-After and 500 for 30 s: every reply posted once, in order per thread', async () => {
  const requests = [];
  for (const user of [PEOPLE.alice, PEOPLE.dave, PEOPLE.erin]) {
    requests.push(await submitRequest(sandbox, user, 'grant me view on prod for 1h'));
  }
  const outage = sandbox.slack.failFor(['chat.postMessage', 'chat.update', 'chat.postEphemeral'], OUTAGE_MS, [
    { status: 429, headers: { 'retry-after': '1' } },
    { status: 500 },
    { status: 429, headers: { 'retry-after': '2' } },
    { status: 503 },
  ]);

  for (const r of requests) {
    const click = await sandbox.click(PEOPLE.approver1, 'approve', {
      channel: r.card.channel,
      ts: r.card.ts,
      value: r.id,
    });
    expect(click.status).toBe(200);
  }
  try {
    for (const r of requests) {
      await waitFor(() => grantedReplies(sandbox, r.threadTs).length > 0, {
        timeoutMs: 120_000,
        what: `the granted reply for ${r.id}`,
      });
    }
  } catch (error) {
    for (const r of requests) {
      const thread = sandbox.slack.messages({ threadTs: r.threadTs }).map((m) => (m.text ?? '').slice(0, 60));
      console.log(r.id, (await sandbox.request(r.id))?.status, JSON.stringify(thread));
    }
    const audit = await sandbox.auditEvents();
    console.log(audit.map((e) => `${e.type}:${e.requestId ?? ''}:${e.detail?.['code'] ?? ''}`).join(' '));
    throw error;
  }
  const lastPost = Math.max(...requests.map((r) => grantedReplies(sandbox, r.threadTs)[0]?.postedAt ?? 0));
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  const failed = sandbox.slack.calls.filter((c) => c.status === 429 || (c.status ?? 0) >= 500);
  console.log(`${failed.length} Slack calls failed; last reply ${lastPost - outage.endsAt} ms after the outage ended`);
  expect(failed.length).toBeGreaterThan(0);
  for (const r of requests) {
    const thread = sandbox.slack.messages({ threadTs: r.threadTs }).map((m) => m.text ?? '');
    const kinds = thread.map((text) =>
      /now has/.test(text)
        ? 'granted'
        : /Approved by/.test(text)
          ? 'decision'
          : /^Request `R/.test(text)
            ? 'ack'
            : text,
    );
    expect({ id: r.id, kinds }).toEqual({ id: r.id, kinds: ['ack', 'decision', 'granted'] });
    // The card refresh is its own job (coalesced per request): after the outage it retries on its own backoff,
    // so it may land after the thread's last reply. It must land.
    const card = await sandbox.slack.waitForMessage(
      (m) => m.ts === r.card.ts && !JSON.stringify(m.blocks).includes('eks_access_approve'),
      60_000,
    );
    expect(JSON.stringify(card.blocks)).not.toContain('eks_access_approve');
    expect((await sandbox.request(r.id))?.status).toBe('granted');
  }
});
