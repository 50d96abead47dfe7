import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * One refusal, one audit event: the creator-safety refusal of an aws-auth grant, with Slack's per-channel posting
 * budget tight enough that announcing the outcome has to wait (the job is deferred). The wait used to be caught as
 * a second failure and audited as `failed … (DeferredError)`.
 */
let sandbox: E2eSandbox;
useRunningBot(
  (started) => {
    sandbox = started;
  },
  {
    env: {
      EKS_ACCESS_SLACK_POST_INTERVAL_MS: '2000',
      EKS_ACCESS_SLACK_POST_BURST: '1',
      EKS_ACCESS_SLACK_POST_MAX_WAIT_MS: '0',
    },
  },
);

const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

describe('an aws-auth safety refusal while Slack posting is paced', () => {
  it('writes one refused event with the real code, one failed event, and none about the deferred post', {
    timeout: 120_000,
  }, async () => {
    const before = sandbox.kube['old-cluster'].configMap('kube-system', 'aws-auth')?.resourceVersion;
    const sent = await sandbox.mention(PEOPLE.bob, 'grant me view on old-cluster');
    const ack = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
    const card = await sandbox.slack.waitForMessage((m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(id));

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    // The click's job and the apply job both answer in this thread; with a 2 s budget per post one of them can be
    // deferred for the other's 30 s hold on the shared reply, so the refusal may take over 30 s to be told.
    const told = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === sent.ts && /failed/.test(m.text ?? '') && /creator/.test(m.text ?? ''),
      75_000,
    );

    expect(told.text).toContain('creator-safety check refused');
    expect((await sandbox.request(id))?.status).toBe('failed');
    expect(sandbox.kube['old-cluster'].configMap('kube-system', 'aws-auth')?.resourceVersion).toBe(before);
    const events = await waitFor(
      async () => {
        const mine = (await sandbox.auditEvents()).filter((e) => e.requestId === id);
        return mine.some((e) => e.type === 'failed') ? mine : false;
      },
      { what: 'the failed event' },
    );
    const refused = events.filter((e) => e.type === 'refused');
    const failed = events.filter((e) => e.type === 'failed');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.detail?.['code']).toMatch(/creator/);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail?.['code']).toBe(refused[0]?.detail?.['code']);
    expect(JSON.stringify(events)).not.toContain('DeferredError');
  });
});
