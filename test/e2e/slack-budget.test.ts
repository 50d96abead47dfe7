import { describe, expect, it } from 'vitest';
import { maxPostsPerChannelSecond } from '../../bench/slack-budget.ts';
import { createMessageLog } from '../../src/adapters/store/message-log.ts';
import { requestOwner } from '../../src/usecases/support/post-once.ts';
import { APPROVAL_CHANNEL, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { POLICY_STAGING, textOf } from '../support/policy-sandbox.ts';
import { grantedReplies } from '../support/requests.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Slack's side of the budget, with the product's own pacing (about one post per second per channel, bursts of 3)
 * and a short digest window: a burst of requests in one channel, policy approvals, and a post whose answer is lost.
 */
let sandbox: E2eSandbox;
useRunningBot(
  (started) => {
    sandbox = started;
  },
  {
    stagingExtra: POLICY_STAGING,
    env: {
      EKS_ACCESS_SLACK_POST_INTERVAL_MS: '1000',
      EKS_ACCESS_SLACK_POST_BURST: '3',
      EKS_ACCESS_SLACK_POST_MAX_WAIT_MS: '2000',
      EKS_ACCESS_DIGEST_WINDOW_MS: '3000',
    },
  },
);

const CHANNEL = 'C0BUSYTEAM';
const USERS = [PEOPLE.alice, PEOPLE.bob, PEOPLE.dave, PEOPLE.erin];
const requestIdIn = (text: string | undefined) => /Request `(R[0-9A-Z]+)`/.exec(text ?? '')?.[1];

describe('Slack posting budget', () => {
  it('a burst of policy approvals in one channel: ≤ 3 posts per second there, every reply once, one digest', async () => {
    const postsBefore = sandbox.slack.callsTo('chat.postMessage').length;
    // Eight requests at once in one channel (two each, within the auto-approval cap of two a day per person).
    const sent = await Promise.all(
      [...USERS, ...USERS].map((user) => sandbox.mention(user, 'grant me view on staging', { channel: CHANNEL })),
    );
    for (const s of sent) {
      await waitFor(() => grantedReplies(sandbox, s.ts).length > 0, { timeoutMs: 45_000, what: `granted in ${s.ts}` });
    }
    const ids = sent.map((s) => requestIdIn(sandbox.slack.messages({ threadTs: s.ts })[0]?.text) ?? '');
    const digests = await waitFor(
      () => {
        const found = sandbox.slack
          .messages({ channel: APPROVAL_CHANNEL })
          .filter((m) => /approved by policy in the last/.test(m.text ?? ''));
        const listed = ids.filter((id) => found.some((m) => textOf(m).includes(id)));
        return listed.length === ids.length ? found : false;
      },
      { timeoutMs: 20_000, what: 'every policy approval in a digest' },
    );

    const posts = sandbox.slack.callsTo('chat.postMessage').slice(postsBefore);
    const budget = maxPostsPerChannelSecond(posts);
    console.log(`busiest channel ${budget.channel}: ${budget.max} posts in one second; ${digests.length} digest(s)`);
    expect(budget.max).toBeLessThanOrEqual(3);
    for (const s of sent) {
      const thread = sandbox.slack.messages({ threadTs: s.ts });
      expect(thread.filter((m) => /^Request `R/.test(m.text ?? ''))).toHaveLength(1);
      // In order, even when the answer waited for the channel while the grant went ahead.
      expect(thread[0]?.text).toMatch(/^Request `R/);
      expect(grantedReplies(sandbox, s.ts)).toHaveLength(1);
    }
    // One digest per 3 s window, not one card per request: eight approvals within a few seconds fit in a few.
    expect(new Set(ids).size).toBe(8);
    expect(digests.length).toBeLessThanOrEqual(4);
    expect(digests.length).toBeLessThan(ids.length);
  });

  it('a reply Slack posted but answered 500 for is found by its metadata, not posted twice', async () => {
    sandbox.slack.failAfterHandlingNext('chat.postMessage', 1, { status: 500 });
    // The thread's acknowledgement and the approval card go out side by side: whichever Slack answered 500 for is
    // looked up (conversations.replies in a thread, conversations.history in a channel) before it is posted again.
    const lookups = () =>
      sandbox.slack.callsTo('conversations.replies').length + sandbox.slack.callsTo('conversations.history').length;
    const lookupsBefore = lookups();

    const sent = await sandbox.mention(PEOPLE.carol, 'grant me edit on prod-cluster because INC-77', {
      channel: 'C0UNSURE',
    });
    await waitFor(() => sandbox.slack.calls.some((c) => c.op === 'chat.postMessage' && c.status === 500), {
      timeoutMs: 15_000,
      what: 'the post answered 500',
    });
    await waitFor(
      () => sandbox.slack.messages({ channel: APPROVAL_CHANNEL }).some((m) => textOf(m).includes('INC-77')),
      { timeoutMs: 15_000, what: 'the card' },
    );

    await waitFor(() => sandbox.slack.messages({ threadTs: sent.ts }).some((m) => /^Request `R/.test(m.text ?? '')), {
      timeoutMs: 15_000,
      what: 'the acknowledgement',
    });

    // The job that heard 500 runs again and looks before it posts.
    await waitFor(() => lookups() > lookupsBefore, { timeoutMs: 15_000, what: 'the look-up before posting again' });
    const id = /Request `(R[0-9A-Z]+)`/.exec(
      sandbox.slack.messages({ threadTs: sent.ts }).find((m) => /^Request `R/.test(m.text ?? ''))?.text ?? '',
    )?.[1];
    const log = createMessageLog(sandbox.redis, sandbox.prefix);
    await waitFor(async () => Object.keys(await log.list(requestOwner(id ?? ''))).length >= 2, {
      timeoutMs: 15_000,
      what: 'both messages recorded',
    });

    const acks = sandbox.slack.messages({ threadTs: sent.ts }).filter((m) => /^Request `R/.test(m.text ?? ''));
    const cards = sandbox.slack.messages({ channel: APPROVAL_CHANNEL }).filter((m) => textOf(m).includes('INC-77'));
    expect(acks).toHaveLength(1);
    expect(cards).toHaveLength(1);
  });
});
