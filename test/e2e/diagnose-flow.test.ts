import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

let sandbox: E2eSandbox;
useRunningBot((started) => {
  sandbox = started;
});

const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

/** The thread message that went from "Checking…" to a verdict. */
async function diagnosisIn(threadTs: string): Promise<SlackMessage> {
  return await waitFor(
    () =>
      sandbox.slack
        .messages({ threadTs })
        .find((m) => m.history.some((v) => /Checking/.test(v.text ?? '')) && !/Checking/.test(m.text ?? '')),
    { timeoutMs: 15_000, what: `a diagnosis in thread ${threadTs}` },
  );
}

function buttonValues(message: SlackMessage, actionId: string): string[] {
  const found: string[] = [];
  for (const block of (message.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]) {
    for (const element of block.elements ?? [])
      if (element.action_id === actionId && element.value) found.push(element.value);
  }
  return found;
}

describe('"why am I unauthorized?" in Slack', () => {
  it('answers "checking…" first, then replaces it with the cause, the evidence and the fix', async () => {
    const sent = await sandbox.mention(PEOPLE.carol, 'why am I unauthorized on legacy-cluster');

    const answer = await diagnosisIn(sent.ts);

    expect(answer.history[0]?.text).toContain('Checking `legacy-cluster`');
    expect(textOf(answer)).toContain('path');
    expect(textOf(answer)).toContain('rolearn: arn:aws:iam::111122223333:role/carol-role');
    expect(sandbox.kube['legacy-cluster'].rejections).toEqual([]);
  });

  it('asks which cluster when the pasted kubectl error names none, and diagnoses the one clicked', async () => {
    const sent = await sandbox.mention(PEOPLE.carol, 'error: You must be logged in to the server (Unauthorized)');
    const question = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === sent.ts && /Which cluster/.test(m.text ?? ''),
    );

    expect(buttonValues(question, 'eks_access_diagnose')).toEqual([
      'prod-cluster',
      'staging',
      'legacy-cluster',
      'old-cluster',
    ]);
    await sandbox.clickButton(PEOPLE.carol, 'eks_access_diagnose', 'legacy-cluster', question);
    const answer = await diagnosisIn(sent.ts);

    expect(textOf(answer)).toContain('legacy-cluster');
  });

  it('offers "Request access" when the fix is a grant, and the click files a view request', async () => {
    const answer = await sandbox.command(PEOPLE.dave, 'why prod-cluster');
    const dm = sandbox.slack.dmChannelFor(PEOPLE.dave);
    const report = await waitFor(
      () => sandbox.slack.messages({ channel: dm }).find((m) => /eks_access_request/.test(JSON.stringify(m.blocks))),
      {
        timeoutMs: 15_000,
        what: 'a report with a Request access button',
      },
    );

    expect(answer.status).toBe(200);
    expect(buttonValues(report, 'eks_access_request')).toEqual(['prod-cluster']);
    await sandbox.clickButton(PEOPLE.dave, 'eks_access_request', 'prod-cluster', report);
    const card = await sandbox.slack.waitForMessage(
      (m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(PEOPLE.dave) && /view/.test(textOf(m)),
      10_000,
    );

    expect(textOf(card)).toContain('eks_access_approve');
  });

  it('names the mismatch when pasted get-caller-identity output is not the mapped identity', async () => {
    const pasted = JSON.stringify({ UserId: 'AIDAEXAMPLE', Account: '111122223333', Arn: ARNS.dave });
    const sent = await sandbox.mention(PEOPLE.alice, `why am I unauthorized on prod? \`\`\`${pasted}\`\`\``);

    const answer = await diagnosisIn(sent.ts);

    expect(textOf(answer)).toContain(ARNS.dave);
    expect(textOf(answer)).toContain(ARNS.alice);
  });

  it.each([
    [
      'pasted JSON that is not caller-identity output',
      'why unauthorized on prod {"hello": "world"}',
      /not the output of `aws sts get-caller-identity`/,
    ],
    ['an unknown cluster', 'why am I unauthorized on prdo-cluster', /Did you mean `prod-cluster`/],
    ['a garbage ARN', 'why am I unauthorized on prod as arn:aws:iam::12:role/{{x}}', /is not a valid IAM or STS ARN/],
    ['a 100 KB message', `why am I unauthorized on prod ${'y'.repeat(100_000)}`, /too long/],
  ])('answers %s briefly and runs no diagnosis', async (_, text, expected) => {
    const lookupsBefore = sandbox.eks.callsTo('DescribeCluster').length;
    const sent = await sandbox.mention(PEOPLE.erin, text);

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(reply.text).toMatch(expected);
    expect(sandbox.eks.callsTo('DescribeCluster').length).toBe(lookupsBefore);
  });
});
