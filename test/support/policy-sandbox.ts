import { afterAll, beforeAll } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { type BotProcess, spawnBot } from './bot-process.ts';
import { APPROVAL_CHANNEL, type E2eSandbox, PEOPLE, startE2eSandbox } from './e2e-sandbox.ts';
import { waitFor } from './wait-for.ts';

/**
 * Staging with the approval-policy keys, for the policy e2e files: cards in the approval channel; view
 * auto-approved at most twice a day per person; edit approved by the `S0ONCALL` user group; admin open to
 * self-approval; break-glass for Bob and the `S0SRE` group, at most 30 minutes.
 */
export const POLICY_STAGING = [
  `    approvalChannel: ${APPROVAL_CHANNEL}`,
  '    autoApprove: { levels: [view], maxPerPeriod: { count: 2, period: 1d } }',
  `    breakGlass: { allowed: [${PEOPLE.bob}, S0SRE], maxDuration: 30m }`,
  '    policies:',
  '      edit: { approvers: [S0ONCALL] }',
  '      admin: { allowSelfApproval: true }',
  '',
].join('\n');

export const GROUPS = { oncall: 'S0ONCALL', sre: 'S0SRE' } as const;

export const textOf = (m: SlackMessage): string => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

/** Sends a mention and returns the bot's first answer in its thread, with the request id it names. */
export async function ask(
  sandbox: E2eSandbox,
  user: string,
  text: string,
  answer = /(Request|Break-glass) `R/,
): Promise<{ id: string; threadTs: string; reply: SlackMessage }> {
  const sent = await sandbox.mention(user, text);
  const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && answer.test(m.text ?? ''), 10_000);
  const id = /`(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
  return { id, threadTs: sent.ts, reply };
}

export async function statusOf(sandbox: E2eSandbox, id: string, status: string): Promise<void> {
  await waitFor(async () => (await sandbox.request(id))?.status === status, {
    timeoutMs: 20_000,
    what: `${id} ${status}`,
  });
}

export async function ephemeralFor(sandbox: E2eSandbox, user: string, pattern: RegExp): Promise<SlackMessage> {
  let found: SlackMessage | undefined;
  await waitFor(
    () => {
      found = sandbox.slack
        .messages({ isEphemeral: true })
        .find((m) => m.ephemeralTo === user && pattern.test(m.text ?? ''));
      return found !== undefined;
    },
    { timeoutMs: 10_000, what: `an ephemeral message for ${user} matching ${pattern}` },
  );
  return found as SlackMessage;
}

/**
 * The fakes and one bot for a policy e2e file (`extra`: more staging lines, after the policy ones, and top-level
 * lines). Like `useRunningBot`, with a longer start-up allowance: the
 * shared 2-core development machine can take over 15 s to boot tsx under load.
 */
export function usePolicyBot(
  onReady: (sandbox: E2eSandbox) => void,
  extra: { stagingExtra?: string; topLevelExtra?: string } = {},
): void {
  let sandbox: E2eSandbox | undefined;
  let bot: BotProcess | undefined;
  beforeAll(async () => {
    sandbox = await startE2eSandbox({
      stagingExtra: POLICY_STAGING + (extra.stagingExtra ?? ''),
      ...(extra.topLevelExtra ? { topLevelExtra: extra.topLevelExtra } : {}),
    });
    bot = spawnBot(['start'], sandbox.env);
    await bot.waitForOutput(/eks-access is running/, 90_000);
    onReady(sandbox);
  }, 120_000);
  afterAll(async () => {
    await bot?.kill('SIGTERM');
    await sandbox?.close();
  });
}
