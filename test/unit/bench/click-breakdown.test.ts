import { describe, expect, it } from 'vitest';
import { breakdownOf, renderBreakdown, summaryLine } from '../../../bench/click-breakdown.ts';
import type { FakeCall } from '../../../sandbox/fake-server.ts';

const ROLE = 'arn:aws:iam::111122223333:role/teams/latency/u0lat0001';
const OTHER = 'arn:aws:iam::111122223333:role/teams/latency/u0lat0000';
const entryPath = (arn: string, rest = '') => `/clusters/c/access-entries/${encodeURIComponent(arn)}${rest}`;

function call(op: string, at: number, answeredAt: number, path: string, body = ''): FakeCall {
  return { op, method: 'POST', path, query: {}, body, headers: {}, at, answeredAt, status: 200 };
}

describe('where the time goes for one grant', () => {
  const clickedAt = 1_000;
  const breakdown = breakdownOf({
    clickedAt,
    ackedAt: 1_010,
    replyAt: 1_500,
    principalArn: ROLE,
    jobs: [{ name: 'interaction', addedAt: 1_005, processedAt: 1_008 }],
    calls: [
      {
        service: 'eks',
        call: call('CreateAccessEntry', 1_020, 1_170, '/clusters/c/access-entries', `{"principalArn":"${ROLE}"}`),
      },
      // A post beside the create: inside its interval, so it adds nothing to the wait.
      { service: 'slack', call: call('chat.postMessage', 1_030, 1_050, '/api/chat.postMessage') },
      { service: 'eks', call: call('AssociateAccessPolicy', 1_175, 1_325, entryPath(ROLE, '/access-policies')) },
      // Another principal's read (the drift sweep) overlapping the grant's own call: not the grant's time.
      { service: 'eks', call: call('DescribeAccessEntry', 1_200, 1_350, entryPath(OTHER)) },
      { service: 'slack', call: call('chat.postMessage', 1_480, 1_500, '/api/chat.postMessage') },
      // After the reply: outside the window.
      { service: 'slack', call: call('chat.update', 1_600, 1_620, '/api/chat.update') },
    ],
  });

  it('lists each step with its offset from the click and its duration, in order', () => {
    expect(breakdown.steps.map((s) => [s.what, s.startMs, s.durationMs, s.isOwn])).toEqual([
      ['web role: click verified, stored, answered', 0, 10, true],
      ['queue: interaction job waits for a worker', 5, 3, true],
      ['eks CreateAccessEntry', 20, 150, true],
      ['slack chat.postMessage', 30, 20, true],
      ['eks AssociateAccessPolicy', 175, 150, true],
      ['eks DescribeAccessEntry', 200, 150, false],
      ['slack chat.postMessage', 480, 20, true],
    ]);
  });

  it("counts only the grant's own calls as call time; the rest is the bot's own", () => {
    expect(breakdown.totalMs).toBe(500);
    expect(breakdown.callMs).toBe(320);
    expect(breakdown.ownMs).toBe(180);
  });

  it('renders the table, and a summary of the calls one after another (not those beside another)', () => {
    expect(summaryLine(breakdown)).toBe(
      'click → CreateAccessEntry 150 ms → AssociateAccessPolicy 150 ms → chat.postMessage 20 ms; our own time 180 ms',
    );
    const table = renderBreakdown(breakdown);
    expect(table.some((line) => line.includes('DescribeAccessEntry') && line.includes('another principal'))).toBe(true);
    expect(table.at(-1)).toContain("the bot's own time 180 ms");
  });
});
