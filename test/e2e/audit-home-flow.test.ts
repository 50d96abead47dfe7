import { DeleteAccessEntryCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActions, eventCallback } from '../../sandbox/slack/payloads.ts';
import { sendSlackRequest } from '../../sandbox/slack/sign.ts';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { parseCsv } from '../support/csv.ts';
import {
  APPROVAL_CHANNEL,
  ARNS,
  BOT_KEY,
  type E2eSandbox,
  PEOPLE,
  SIGNING_SECRET,
  startE2eSandbox,
} from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
const OPS_ROLE = 'arn:aws:iam::111122223333:role/ops-standing';

let sandbox: E2eSandbox;
let bot: BotProcess;
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const homeText = (user: string) => JSON.stringify(sandbox.slack.homeView(user) ?? {});
const status = async (id: string) => (await sandbox.request(id))?.status;
const url = () => `http://127.0.0.1:${sandbox.port}/slack/events`;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  sandbox.env['EKS_ACCESS_RECONCILE_MS'] = '1000';
  sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: OPS_ROLE, policies: [{ policyArn: EDIT }] });
  bot = spawnBot(['start'], sandbox.env);
  // Generous: on a loaded machine tsx alone can take most of a minute to start the process.
  await bot.waitForOutput(/eks-access is running/, 85_000);
}, 90_000);

afterAll(async () => {
  await bot?.kill('SIGTERM');
  await sandbox?.close();
});

async function openHome(user: string): Promise<number> {
  const built = eventCallback({
    event: { type: 'app_home_opened', user, channel: sandbox.slack.dmChannelFor(user), tab: 'home', event_ts: '1.1' },
  });
  return (await sendSlackRequest(url(), 'event', built.body, { secret: SIGNING_SECRET })).status;
}

/** A click on a button in the App Home tab: the container is the view, there is no channel or message. */
async function clickInHome(user: string, actionId: string, value: string, viewId: string): Promise<number> {
  const built = blockActions({ userId: user, actionId, value, channelId: 'unused', messageTs: 'unused' });
  const { channel: _channel, message: _message, ...rest } = built.payload;
  const payload = { ...rest, container: { type: 'view', view_id: viewId }, view: { id: viewId, type: 'home' } };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return (await sendSlackRequest(url(), 'interaction', body, { secret: SIGNING_SECRET })).status;
}

/**
 * Approver2 opens the modal behind `actionId` on request `id` from their Home tab: the click answers 200 and the
 * request is still pending while the modal is open. Returns the modal the bot opened.
 */
async function modalFromApprover2Home(id: string, actionId: string, callbackId: string) {
  await waitFor(() => homeText(PEOPLE.approver2).includes(`"value":"${id}"`), {
    timeoutMs: 10_000,
    what: 'request waiting on approver2',
  });
  const view = String(sandbox.slack.homeView(PEOPLE.approver2)?.['id']);
  expect(await clickInHome(PEOPLE.approver2, actionId, id, view)).toBe(200);
  const modal = await sandbox.slack.waitForView(
    (v) => v.view.callback_id === callbackId && (v.view.private_metadata ?? '').includes(id),
    10_000,
  );
  expect(await status(id)).toBe('pending');
  return modal;
}

async function requestOnProd(user: string, text: string): Promise<{ id: string; threadTs: string }> {
  const sent = await sandbox.mention(user, text);
  const ack = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
    10_000,
  );
  return { id: /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '', threadTs: sent.ts };
}

async function grantedOnProd(user: string, text: string): Promise<{ id: string; threadTs: string }> {
  const request = await requestOnProd(user, text);
  const card = await sandbox.slack.waitForMessage(
    (m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(request.id),
    10_000,
  );
  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: request.id });
  await waitFor(async () => (await status(request.id)) === 'granted', { timeoutMs: 15_000, what: 'granted' });
  return request;
}

async function replyTo(user: string, text: string): Promise<SlackMessage> {
  const sent = await sandbox.mention(user, text);
  return sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && m.user !== user, 15_000);
}

describe('App Home', () => {
  it('is published when opened, and refreshed after a grant and after a revoke', async () => {
    expect(await openHome(PEOPLE.dave)).toBe(200);
    await waitFor(() => sandbox.slack.homeView(PEOPLE.dave) !== undefined, { timeoutMs: 10_000, what: 'home' });
    expect(homeText(PEOPLE.dave)).toContain('None right now.');

    const { id } = await grantedOnProd(PEOPLE.dave, 'grant me view on prod-cluster for 1h');
    await waitFor(() => homeText(PEOPLE.dave).includes(`"value":"${id}"`), {
      timeoutMs: 10_000,
      what: 'grant on home',
    });
    expect(homeText(PEOPLE.dave)).toMatch(/left/);
    expect(homeText(PEOPLE.dave)).toContain('eks_access_done');
    expect(homeText(PEOPLE.dave)).toContain('eks_access_extend');

    await replyTo(PEOPLE.dave, 'revoke my access to prod-cluster');
    await waitFor(async () => (await status(id)) === 'revoked', { timeoutMs: 15_000, what: 'revoked' });
    await waitFor(() => !homeText(PEOPLE.dave).includes(`"value":"${id}"`), {
      timeoutMs: 10_000,
      what: 'home refreshed',
    });
    expect(homeText(PEOPLE.dave)).toContain('None right now.');
  });

  it("approves from the approver's Home; a non-approver's click from their own Home is refused", async () => {
    // Home tabs are refreshed for people who have opened theirs (opening one publishes it).
    await openHome(PEOPLE.stranger);
    await openHome(PEOPLE.approver2);
    await waitFor(() => sandbox.slack.homeView(PEOPLE.stranger) !== undefined, { timeoutMs: 10_000, what: 'home' });
    await waitFor(() => sandbox.slack.homeView(PEOPLE.approver2) !== undefined, { timeoutMs: 10_000, what: 'home' });
    const { id } = await requestOnProd(PEOPLE.erin, 'grant me view on prod-cluster for 1h');
    await waitFor(() => homeText(PEOPLE.approver2).includes(`"value":"${id}"`), {
      timeoutMs: 10_000,
      what: 'request waiting on approver2',
    });
    expect(homeText(PEOPLE.approver2)).toContain('Waiting for your approval');

    const strangerView = String(sandbox.slack.homeView(PEOPLE.stranger)?.['id']);
    expect(await clickInHome(PEOPLE.stranger, 'eks_access_approve', id, strangerView)).toBe(200);
    const refusal = await sandbox.slack.waitForMessage(
      (m) => m.ephemeralTo === PEOPLE.stranger && /not an approver/.test(m.text ?? ''),
      10_000,
    );
    expect(refusal.channel).toBe(sandbox.slack.dmChannelFor(PEOPLE.stranger));
    expect(await status(id)).toBe('pending');

    // Someone else's Home view id does not let a click through either.
    const approverView = String(sandbox.slack.homeView(PEOPLE.approver2)?.['id']);
    await clickInHome(PEOPLE.stranger, 'eks_access_approve', id, approverView);
    await sandbox.slack.waitForMessage(
      (m) => m.ephemeralTo === PEOPLE.stranger && /does not belong/.test(m.text ?? ''),
      10_000,
    );
    expect(await status(id)).toBe('pending');

    await clickInHome(PEOPLE.approver2, 'eks_access_approve', id, approverView);
    await waitFor(async () => (await status(id)) === 'granted', { timeoutMs: 15_000, what: 'granted from home' });
    expect(sandbox.eks.entry('prod-cluster', ARNS.erin)).toBeDefined();
    await waitFor(() => !homeText(PEOPLE.approver2).includes(`"value":"${id}"`), {
      timeoutMs: 10_000,
      what: 'approver home refreshed',
    });
    // Erin filed and was granted but never opened her Home tab: nothing was published for her.
    expect(sandbox.slack.homeView(PEOPLE.erin)).toBeUndefined();
  });

  it("denies from the approver's Home with a reason in a modal; the requester hears it", async () => {
    const { id, threadTs } = await requestOnProd(PEOPLE.alice, 'grant me view on prod-cluster for 1h because INC-77');
    const modal = await modalFromApprover2Home(id, 'eks_access_deny', 'eks_access_deny_reason');
    const submitted = await sandbox.submitView(PEOPLE.approver2, modal.view, {
      deny_reason: { reason: 'not this week' },
    });
    expect(submitted.status).toBe(200);

    await waitFor(async () => (await status(id)) === 'denied', { timeoutMs: 15_000, what: 'denied from home' });
    const told = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /Denied by/.test(m.text ?? ''));
    expect(told.text).toContain('not this week');
    expect((await sandbox.request(id))?.denial).toMatchObject({ by: PEOPLE.approver2, reason: 'not this week' });
    expect(sandbox.eks.entry('prod-cluster', ARNS.alice)).toBeUndefined();
    await waitFor(() => !homeText(PEOPLE.approver2).includes(`"value":"${id}"`), {
      timeoutMs: 10_000,
      what: 'approver home refreshed after deny',
    });
  });

  it("approves a step-up level from the approver's Home through the modal", async () => {
    const { id } = await requestOnProd(PEOPLE.bob, 'grant me cluster-admin on prod-cluster for 1h because INC-88');
    const modal = await modalFromApprover2Home(id, 'eks_access_approve_step_up', 'eks_access_step_up');
    expect(homeText(PEOPLE.approver2)).toContain(`"action_id":"eks_access_approve_step_up"`);
    const submitted = await sandbox.submitView(PEOPLE.approver2, modal.view, {
      step_up_cluster: { cluster_name: 'prod-cluster' },
    });
    expect(submitted.status).toBe(200);

    await waitFor(async () => (await status(id)) === 'granted', { timeoutMs: 15_000, what: 'granted from home' });
    expect(sandbox.eks.policies('prod-cluster', ARNS.bob).map((p) => p.policyArn)).toEqual([
      'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
    ]);
    // Leave prod-cluster as the later tests expect it.
    await replyTo(PEOPLE.bob, 'revoke my access to prod-cluster');
    await waitFor(async () => (await status(id)) === 'revoked', { timeoutMs: 15_000, what: 'revoked' });
  });

  it('cancels a pending request from the Home tab; only the requester can', async () => {
    await waitFor(() => sandbox.slack.homeView(PEOPLE.dave) !== undefined, { timeoutMs: 10_000, what: 'home' });
    const { id } = await requestOnProd(PEOPLE.dave, 'grant me edit on prod-cluster for 1h because home cancel');
    const hasCancel = () => {
      const blocks = (sandbox.slack.homeView(PEOPLE.dave)?.['blocks'] ?? []) as { elements?: unknown[] }[];
      return blocks.some((b) =>
        (b.elements ?? []).some((e) => {
          const button = e as { action_id?: string; value?: string };
          return button.action_id === 'eks_access_cancel' && button.value === id;
        }),
      );
    };
    await waitFor(hasCancel, {
      timeoutMs: 10_000,
      what: 'Cancel on dave home',
    });

    // Someone else pressing Cancel with this request id (from their own Home) changes nothing.
    const strangerView = String(sandbox.slack.homeView(PEOPLE.stranger)?.['id']);
    expect(await clickInHome(PEOPLE.stranger, 'eks_access_cancel', id, strangerView)).toBe(200);
    await sandbox.slack.waitForMessage(
      (m) => m.ephemeralTo === PEOPLE.stranger && m.channel === sandbox.slack.dmChannelFor(PEOPLE.stranger),
      10_000,
    );
    expect(await status(id)).toBe('pending');

    const daveView = String(sandbox.slack.homeView(PEOPLE.dave)?.['id']);
    expect(await clickInHome(PEOPLE.dave, 'eks_access_cancel', id, daveView)).toBe(200);
    await waitFor(async () => (await status(id)) === 'cancelled', { timeoutMs: 15_000, what: 'cancelled from home' });
    await waitFor(() => !homeText(PEOPLE.dave).includes(`"value":"${id}"`), {
      timeoutMs: 10_000,
      what: 'home refreshed after cancel',
    });
    expect(sandbox.eks.entry('prod-cluster', ARNS.dave)).toBeUndefined();
  });
});

describe('who has access, audit in Slack, status', () => {
  it('shows standing and time-bound access to approvers and refuses anyone else (audited)', async () => {
    const reply = await replyTo(PEOPLE.approver1, 'who has access to prod-cluster');

    const text = textOf(reply);
    expect(text).toMatch(/\*Standing\*[^*]*ops-standing[^*]*AmazonEKSEditPolicy/);
    expect(text).toMatch(/\*Time-bound\*[^*]*user\/erin[^*]*AmazonEKSViewPolicy[^*]*left/);

    const refused = await replyTo(PEOPLE.stranger, 'who has access to prod-cluster');
    expect(refused.text).toContain('not an approver');
    expect(refused.text).not.toContain('ops-standing');
    const audit = await sandbox.auditEvents();
    expect(
      audit.some(
        (e) => e.type === 'refused' && e.actor === PEOPLE.stranger && e.detail?.['asked'] === 'who_has_access',
      ),
    ).toBe(true);
  });

  it('/eks audit shows the last events to approvers only', async () => {
    await sandbox.command(PEOPLE.approver1, 'audit prod-cluster');
    const shown = await sandbox.slack.waitForMessage(
      (m) => m.channel === sandbox.slack.dmChannelFor(PEOPLE.approver1) && /audit event/.test(m.text ?? ''),
      10_000,
    );
    expect(textOf(shown)).toContain('*granted*');

    await sandbox.command(PEOPLE.stranger, 'audit prod-cluster');
    const refused = await sandbox.slack.waitForMessage(
      (m) => m.channel === sandbox.slack.dmChannelFor(PEOPLE.stranger) && /not an approver/.test(m.text ?? ''),
      10_000,
    );
    expect(textOf(refused)).not.toContain('*granted*');
  });

  it('status shows the active grant with its time left', async () => {
    const reply = await replyTo(PEOPLE.erin, 'my access');

    expect(textOf(reply)).toContain('*Active access:*');
    expect(textOf(reply)).toMatch(/\*view\* on `prod-cluster` for <@U0ERIN>: (1h|5\dm) left/);
  });
});

describe('reconciler drift', () => {
  it('reports and ends a grant whose access entry was deleted by hand', async () => {
    const { id, threadTs } = await grantedOnProd(PEOPLE.alice, 'grant me view on prod-cluster for 1h');
    const eks = new EKSClient({ region: 'us-east-1', endpoint: sandbox.eks.url, credentials: BOT_KEY });
    await eks.send(new DeleteAccessEntryCommand({ clusterName: 'prod-cluster', principalArn: ARNS.alice }));
    eks.destroy();

    await waitFor(async () => (await status(id)) === 'revoked', { timeoutMs: 15_000, what: 'ended by drift' });
    const stored = await sandbox.request(id);
    expect(stored?.ended?.reason).toBe('drift');
    const notice = await sandbox.slack.waitForMessage(
      (m) => m.channel === APPROVAL_CHANNEL && /Drift on/.test(m.text ?? '') && textOf(m).includes(id),
      10_000,
    );
    expect(notice.text).toContain('is gone');
    await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /drift/.test(m.text ?? ''), 10_000);
    const drift = (await sandbox.auditEvents()).filter((e) => e.type === 'drift' && e.requestId === id);
    expect(drift).toHaveLength(1);
  });
});

describe('eks-access audit (the CLI)', () => {
  async function exportWith(args: string[]): Promise<{ code: number | string; stdout: string; output: string }> {
    const run = spawnBot(['audit', ...args], sandbox.env);
    const code = await run.exited;
    return { code, stdout: run.stdout(), output: run.output() };
  }

  it('exports jsonl and csv that parse back to exactly the events the flows above caused', {
    timeout: 170_000,
  }, async () => {
    const stored = (await sandbox.auditEvents()).filter((e) => e.cluster === 'prod-cluster');
    expect(stored.map((e) => e.type)).toEqual(
      expect.arrayContaining(['requested', 'approved', 'granted', 'revoked', 'drift', 'refused']),
    );

    const jsonl = await exportWith(['--cluster', 'prod-cluster', '--since', '1d', '--format', 'jsonl']);
    const csv = await exportWith(['--cluster', 'prod', '--format', 'csv']);

    expect(jsonl.code).toBe(0);
    const lines = jsonl.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const fromJson = lines.map(({ id: _id, time: _time, ...event }) => event);
    expect(fromJson.slice(0, stored.length)).toEqual(stored);
    expect(new Date(String(lines[0]?.['time'])).getTime()).toBe(stored[0]?.at);
    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(header).toEqual(['id', 'time', 'type', 'actor', 'cluster', 'requestId', 'detail']);
    expect(rows.map((r) => r[0])).toEqual(lines.map((l) => l['id']).slice(0, rows.length));
    expect(
      rows.slice(0, stored.length).map((r) => ({
        type: r[2],
        at: Date.parse(r[1] ?? ''),
        actor: r[3],
        cluster: r[4],
        ...(r[5] ? { requestId: r[5] } : {}),
        ...(r[6] ? { detail: JSON.parse(r[6]) } : {}),
      })),
    ).toEqual(stored);
  });

  it('usage errors exit 64 with a clear message and print nothing on stdout', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'xml'], /--format must be jsonl or csv/],
      [['--since', 'yesterday'], /--since takes a duration/],
      [['--cluster', 'prdo-cluster'], /Did you mean prod-cluster/],
      [['--bogus'], /Unknown option/],
    ];

    // In parallel: each is a fresh process, and the assertions are per process.
    const results = await Promise.all(cases.map(([args]) => exportWith(args)));

    for (const [i, result] of results.entries()) {
      expect(result.code).toBe(64);
      expect(result.output).toMatch(cases[i]?.[1] ?? /never/);
      expect(result.stdout).toBe('');
    }
  }, 170_000);
});
