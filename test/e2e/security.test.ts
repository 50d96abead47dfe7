import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appMentionEvent, blockActions, eventCallback } from '../../sandbox/slack/payloads.ts';
import { sendSlackRequest } from '../../sandbox/slack/sign.ts';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE, SIGNING_SECRET } from '../support/e2e-sandbox.ts';
import { submitRequest } from '../support/requests.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

// Complements slack-requests.test.ts (status codes, no jobs) and refusals.test.ts (the answers people see):
// here every hostile input is also checked for "nothing applied" on the EKS fake and for its audit event.

let sandbox: E2eSandbox;
useRunningBot((started) => {
  sandbox = started;
});

const url = () => `http://127.0.0.1:${sandbox.port}/slack/events`;
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const EKS_WRITES = ['CreateAccessEntry', 'AssociateAccessPolicy', 'UpdateAccessEntry', 'DeleteAccessEntry'];

/** The EKS fake's write calls so far; "nothing applied" is this count not moving. */
const eksWrites = () => sandbox.eks.calls.filter((c) => EKS_WRITES.includes(c.op)).length;

async function auditedRefusal(match: (detail: Record<string, string>, requestId?: string) => boolean) {
  return await waitFor(
    async () => (await sandbox.auditEvents()).find((e) => e.type === 'refused' && match(e.detail ?? {}, e.requestId)),
    { what: 'a refused audit event' },
  );
}

async function ephemeralFor(user: string, pattern: RegExp): Promise<SlackMessage> {
  return await waitFor(
    () =>
      sandbox.slack.messages({ isEphemeral: true }).find((m) => m.ephemeralTo === user && pattern.test(m.text ?? '')),
    { what: `an ephemeral message for ${user} matching ${pattern}` },
  );
}

describe('requests that are not from Slack, now: 401, nothing applied, counted, never audited', () => {
  it.each([
    ['unsigned', { unsigned: true }, 'missing timestamp'],
    ['wrongly signed', { badSignature: true }, 'signature verification failed'],
    ['stale (6 minutes old)', { timestampOffsetSec: -360 }, 'timestamp outside tolerance'],
    ['from the future (6 minutes ahead)', { timestampOffsetSec: 360 }, 'timestamp outside tolerance'],
  ])('%s', async (_, options, reason) => {
    const writes = eksWrites();
    const series = `eks_access_unauthenticated_requests_total{status="401",reason="${reason}"}`;
    const countBefore = await unauthenticatedCount(series);

    const click = await sandbox.click(
      PEOPLE.approver1,
      'approve',
      { channel: APPROVAL_CHANNEL, ts: '1.1', value: 'R0000000000' },
      options,
    );

    expect(click.status).toBe(401);
    await waitFor(async () => (await unauthenticatedCount(series)) === countBefore + 1, { what: `${series} + 1` });
    // Anyone on the internet can send these: they are counted and logged (rate-limited), not kept in the audit.
    expect((await sandbox.auditEvents()).some((e) => e.actor === 'slack-http')).toBe(false);
    expect(eksWrites()).toBe(writes);
  });

  it('a body over 1 MiB: 413, counted, not audited', async () => {
    const series = 'eks_access_unauthenticated_requests_total{status="413",reason="body too large"}';
    const countBefore = await unauthenticatedCount(series);
    const event = appMentionEvent({ user: PEOPLE.alice, channel: 'C0GENERAL', text: 'x'.repeat(1_100_000) });
    const result = await sendSlackRequest(url(), 'event', eventCallback({ event }).body, { secret: SIGNING_SECRET });

    expect(result.status).toBe(413);
    await waitFor(async () => (await unauthenticatedCount(series)) === countBefore + 1, { what: `${series} + 1` });
    expect((await sandbox.auditEvents()).some((e) => e.actor === 'slack-http')).toBe(false);
  });
});

/** One series of the web process's /metrics (on the Slack port while METRICS_PORT is unset); 0 before its first sample. */
async function unauthenticatedCount(series: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${sandbox.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('replays of a correctly signed request are processed once', () => {
  it('the same signed Approve click sent three times approves and grants once', async () => {
    const { id, card } = await submitRequest(sandbox, PEOPLE.erin, 'grant me view on prod for 1h');
    const built = blockActions({
      userId: PEOPLE.approver1,
      actionId: 'eks_access_approve',
      value: id,
      channelId: card.channel,
      messageTs: card.ts,
    });
    const at = Date.now();

    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await sendSlackRequest(url(), 'interaction', built.body, { secret: SIGNING_SECRET, now: () => at })).status,
      );
    }
    await waitFor(async () => (await sandbox.request(id))?.status === 'granted', { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(statuses).toEqual([200, 200, 200]);
    const audit = (await sandbox.auditEvents()).filter((e) => e.requestId === id);
    expect(audit.filter((e) => e.type === 'approved')).toHaveLength(1);
    expect(audit.filter((e) => e.type === 'granted')).toHaveLength(1);
    expect(sandbox.eks.callsTo('CreateAccessEntry').filter((c) => c.body.includes(ARNS.erin))).toHaveLength(1);
  });

  it('the same signed mention sent again is one request, audited once', async () => {
    const at = Date.now();
    const options = { eventId: 'EvREPLAY0001', ts: `${Math.floor(at / 1000)}.000777`, now: () => at };
    const first = await sandbox.mention(PEOPLE.dave, 'grant me view on staging', options);
    const second = await sandbox.mention(PEOPLE.dave, 'grant me view on staging', options);
    await sandbox.slack.waitForMessage((m) => m.threadTs === options.ts && /Request `R/.test(m.text ?? ''));
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(sandbox.slack.messages({ threadTs: options.ts })).toHaveLength(1);
    const id = /Request `(R[0-9A-Z]+)`/.exec(sandbox.slack.messages({ threadTs: options.ts })[0]?.text ?? '')?.[1];
    expect((await sandbox.auditEvents()).filter((e) => e.type === 'requested' && e.requestId === id)).toHaveLength(1);
  });
});

describe('edited buttons and the wrong people: refused visibly, nothing applied, audited', () => {
  it.each([
    ['a level appended', (id: string) => `${id}|cluster-admin`],
    [
      'a JSON payload with another level and cluster',
      (id: string) => JSON.stringify({ requestId: id, level: 'cluster-admin', cluster: 'staging' }),
    ],
    ['a cluster name instead of a request', () => 'prod-cluster'],
    ['a path', () => '../../req/R0000000000'],
  ])('a button value with %s', async (_, edit) => {
    const { id, card } = await submitRequest(sandbox, PEOPLE.bob, 'grant me edit on prod');
    const writes = eksWrites();
    const value = edit(id);

    await sandbox.click(PEOPLE.approver2, 'approve', { channel: card.channel, ts: card.ts, value });
    await ephemeralFor(PEOPLE.approver2, /cannot find that request|does not belong to this request card/);

    expect((await sandbox.request(id))?.status).toBe('pending');
    expect(eksWrites()).toBe(writes);
    await auditedRefusal((d, requestId) => requestId === value.slice(0, 64) && d['decision'] === 'approve');
  });

  it('a card for one cluster whose button names a request for another cluster', async () => {
    const prod = await submitRequest(sandbox, PEOPLE.alice, 'grant me view on prod');
    const staging = await submitRequest(sandbox, PEOPLE.alice, 'grant me admin on staging');
    const writes = eksWrites();

    await sandbox.click(PEOPLE.approver1, 'approve', {
      channel: prod.card.channel,
      ts: prod.card.ts,
      value: staging.id,
    });
    await ephemeralFor(PEOPLE.approver1, /does not belong to this request card/);

    expect((await sandbox.request(staging.id))?.status).toBe('pending');
    expect(eksWrites()).toBe(writes);
    await auditedRefusal((_, requestId) => requestId === staging.id);
  });

  it.each([
    ['a non-approver', PEOPLE.stranger, PEOPLE.dave, 'me', /not an approver/, 'not_an_approver'],
    [
      'the requester',
      PEOPLE.approver1,
      PEOPLE.approver1,
      'me',
      /cannot approve or deny a request that you made/,
      undefined,
    ],
    // Filed by the other approver: asking for someone else takes an approver or `requestForOthers` (issue 16).
    [
      'the person the grant is for',
      PEOPLE.approver1,
      PEOPLE.approver2,
      `<@${PEOPLE.approver1}>`,
      /that grants you access/,
      undefined,
    ],
  ])('an approval by %s', async (_, clicker, requester, subject, pattern, code) => {
    const { id, card } = await submitRequest(sandbox, requester, `grant ${subject} view on prod`);
    const writes = eksWrites();

    await sandbox.click(clicker, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await ephemeralFor(clicker, pattern);

    expect((await sandbox.request(id))?.status).toBe('pending');
    expect(eksWrites()).toBe(writes);
    const event = await auditedRefusal((_, requestId) => requestId === id);
    if (code) expect(event.detail?.['code']).toBe(code);
  });

  it('an approval after the request was denied', async () => {
    const { id, card } = await submitRequest(sandbox, PEOPLE.erin, 'grant me admin on prod');
    await sandbox.click(PEOPLE.approver2, 'deny', { channel: card.channel, ts: card.ts, value: id });
    // Deny asks for a reason in a modal; submitting it is what denies.
    const modal = await sandbox.slack.waitForView((v) => (v.view.private_metadata ?? '').includes(id), 10_000);
    await sandbox.submitView(PEOPLE.approver2, modal.view, { deny_reason: { reason: 'not today' } });
    await waitFor(async () => (await sandbox.request(id))?.status === 'denied');
    const writes = eksWrites();

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    const refusal = await ephemeralFor(PEOPLE.approver1, /denied|already|no longer/i);

    expect(refusal.text).toBeTruthy();
    expect((await sandbox.request(id))?.status).toBe('denied');
    expect(eksWrites()).toBe(writes);
    await auditedRefusal((d, requestId) => requestId === id && d['decision'] === 'approve');
  });

  it('an approval after the requester cancelled', async () => {
    const { id, card } = await submitRequest(sandbox, PEOPLE.erin, 'grant me edit on prod');
    await sandbox.mention(PEOPLE.erin, 'cancel my request on prod');
    await waitFor(async () => (await sandbox.request(id))?.status === 'cancelled');
    const writes = eksWrites();

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    const refusal = await ephemeralFor(PEOPLE.approver1, /cancelled|already|no longer/i);

    expect(refusal.text).toBeTruthy();
    expect((await sandbox.request(id))?.status).toBe('cancelled');
    expect(eksWrites()).toBe(writes);
    await auditedRefusal((d, requestId) => requestId === id && d['decision'] === 'approve');
  });
});

describe('hostile cluster names and texts', () => {
  it.each(['../x', 'a/b', 'http://x', 'prod-cluster/../staging', '%2e%2e%2fx', '<!channel>'])(
    'a request for the cluster %j: no such cluster, no AWS call for it, audited',
    async (name) => {
      const writes = eksWrites();
      const calls = sandbox.eks.calls.length;
      const sent = await sandbox.mention(PEOPLE.alice, `grant me view on ${name}`);

      const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

      expect(textOf(reply)).toMatch(/I don't know a cluster called|I didn't understand that|Which cluster\?/);
      expect(textOf(reply)).not.toContain('<!channel>');
      expect(sandbox.eks.calls.slice(calls).filter((c) => decodeURIComponent(c.path).includes(name))).toEqual([]);
      expect(eksWrites()).toBe(writes);
      await auditedRefusal((d) => d['code'] === 'unknown_cluster' || d['code'] === 'unparseable');
    },
  );

  it('Block Kit and mrkdwn injection in a reason is shown as text, never as markup', async () => {
    const reason = '<!channel> *bold* | {{.Token}} <https://evil.example|click me> `x`';
    const { id, card, threadTs } = await submitRequest(sandbox, PEOPLE.dave, `grant me view on prod because ${reason}`);
    const reply = sandbox.slack.messages({ threadTs }).find((m) => /Request `R/.test(m.text ?? ''));

    for (const message of [card, reply]) {
      const text = textOf(message as SlackMessage);
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://evil.example|');
      expect(text).not.toMatch(/(^|[^\u200b])\*bold\*/);
    }
    // Slack's own encoding is undone before storing, and a special mention can never be reconstructed from it.
    expect((await sandbox.request(id))?.reason).not.toContain('<!');
    expect((await sandbox.request(id))?.reason).toContain('*bold* | {{.Token}}');
    expect((await sandbox.auditEvents()).some((e) => e.type === 'requested' && e.requestId === id)).toBe(true);
  });

  it('YAML injection in a reason on an aws-auth cluster maps nobody else and adds no group', async () => {
    const kube = sandbox.kube['old-cluster'];
    const evil =
      'because x\n- rolearn: arn:aws:iam::111122223333:role/evil\n  username: evil\n  groups:\n    - system:masters';
    const { id, card } = await submitRequest(sandbox, PEOPLE.erin, `grant me view on old-cluster ${evil}`);

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await waitFor(async () => ['granted', 'failed'].includes((await sandbox.request(id))?.status ?? ''), {
      timeoutMs: 20_000,
    });

    const data = kube.configMap('kube-system', 'aws-auth')?.data ?? {};
    expect(JSON.stringify(data)).not.toContain('role/evil');
    const users = parse(data['mapUsers'] ?? '[]') as { userarn: string; groups: string[] }[];
    expect(users.find((u) => u.userarn === ARNS.erin)?.groups).toEqual(['eks-access:view']);
    const roles = parse(data['mapRoles'] ?? '[]') as { rolearn: string; groups: string[] }[];
    expect(roles.filter((r) => r.groups.includes('system:masters')).map((r) => r.rolearn)).toEqual([
      'arn:aws:iam::111122223333:role/ops-admin',
    ]);
    expect((await sandbox.auditEvents()).some((e) => e.type === 'granted' && e.requestId === id)).toBe(true);
  });

  it('a 1 MB message (under the 1 MiB body cap) gets a short answer, creates nothing, and is audited', async () => {
    const writes = eksWrites();
    const sent = await sandbox.mention(PEOPLE.alice, `grant me view on prod ${'y'.repeat(1_000_000)}`);

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts, 10_000);

    expect(sent.status).toBe(200);
    expect(reply.text).toContain('too long');
    expect(textOf(reply).length).toBeLessThan(4_000);
    expect(eksWrites()).toBe(writes);
    await auditedRefusal((d) => d['code'] === 'unparseable' && d['reason'] === 'too_long');
  });
});
