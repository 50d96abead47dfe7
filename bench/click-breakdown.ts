/**
 * "Where the time goes" for one grant (issue 21): the steps between the Approve click leaving the benchmark and the
 * verified reply stored by the Slack fake, each with its start offset and duration, as the outside sees them:
 * the fakes' arrival and answer times for every AWS and Slack call, and BullMQ's own timestamps in Redis for the
 * jobs (added by the web role, picked up and finished by the worker). Whatever the window holds beyond the calls
 * is the bot's own time (its CPU, Redis, the queue hand-offs).
 *
 * An EKS call that names a different principal than the grant's is not part of this grant: it is listed apart
 * (`isOwn` false) and left out of the call time.
 */
import type { FakeCall } from '../sandbox/fake-server.ts';

export interface BreakdownStep {
  what: string;
  /** ms after the click left the benchmark. */
  startMs: number;
  durationMs: number;
  /** false: an AWS call about another principal that happened to fall inside the window. */
  isOwn: boolean;
}

export interface JobTimes {
  name: string;
  /** Epoch ms: added (BullMQ `timestamp`), picked up (`processedOn`), finished (`finishedOn`). */
  addedAt: number;
  processedAt?: number;
  finishedAt?: number;
}

export interface ClickBreakdown {
  totalMs: number;
  steps: BreakdownStep[];
  /** Union of the own AWS and Slack calls' intervals inside the window. */
  callMs: number;
  /** totalMs − callMs: the bot's own CPU, Redis and queue hand-offs. */
  ownMs: number;
}

export function breakdownOf(input: {
  clickedAt: number;
  ackedAt: number;
  replyAt: number;
  principalArn: string;
  /** Each fake's calls with the service name to show. */
  calls: readonly { service: string; call: FakeCall }[];
  jobs: readonly JobTimes[];
}): ClickBreakdown {
  const at = (ms: number) => ms - input.clickedAt;
  const steps: BreakdownStep[] = [
    {
      what: 'web role: click verified, stored, answered',
      startMs: 0,
      durationMs: input.ackedAt - input.clickedAt,
      isOwn: true,
    },
  ];
  for (const job of input.jobs) {
    if (job.processedAt === undefined) continue;
    steps.push({
      what: `queue: ${job.name} job waits for a worker`,
      startMs: at(job.addedAt),
      durationMs: job.processedAt - job.addedAt,
      isOwn: true,
    });
  }
  const inWindow = input.calls.filter(
    ({ call }) => call.at >= input.clickedAt && call.at <= input.replyAt && call.answeredAt !== undefined,
  );
  const intervals: [number, number][] = [];
  for (const { service, call } of inWindow) {
    const isOwn = service !== 'eks' || namesPrincipal(call, input.principalArn);
    const end = call.answeredAt ?? call.at;
    steps.push({ what: `${service} ${call.op}`, startMs: at(call.at), durationMs: end - call.at, isOwn });
    if (isOwn) intervals.push([call.at, Math.min(end, input.replyAt)]);
  }
  steps.sort((a, b) => a.startMs - b.startMs);
  const totalMs = input.replyAt - input.clickedAt;
  const callMs = unionMs(intervals);
  return { totalMs, steps, callMs, ownMs: totalMs - callMs };
}

/** EKS puts the principal in the path (describe, list, associate) or in the body (create). */
function namesPrincipal(call: FakeCall, principalArn: string): boolean {
  return decodeURIComponent(call.path).includes(principalArn) || call.body.includes(principalArn);
}

function unionMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of sorted) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

/** The table the benchmark prints, and the README's "click → Create 152 ms → … ; our own time X ms" line. */
export function renderBreakdown(breakdown: ClickBreakdown): string[] {
  const lines = breakdown.steps.map(
    (s) =>
      `  +${String(s.startMs).padStart(5)} ms  ${String(s.durationMs).padStart(5)} ms  ${s.what}${s.isOwn ? '' : '  (another principal: not this grant)'}`,
  );
  lines.push(
    `  reply stored at +${breakdown.totalMs} ms; calls ${breakdown.callMs} ms, the bot's own time ${breakdown.ownMs} ms`,
  );
  return lines;
}

/**
 * "click → CreateAccessEntry 152 ms → … → chat.postMessage 21 ms; our own time X ms": the grant's own AWS and Slack
 * calls, leaving out any that ran wholly beside another (it added no time to the wait).
 */
export function summaryLine(breakdown: ClickBreakdown): string {
  const own = breakdown.steps.filter((s) => s.isOwn && /^(eks|slack|iam|sts|cloudtrail) /.test(s.what));
  const end = (s: BreakdownStep) => s.startMs + s.durationMs;
  const calls = own.filter(
    (s) => !own.some((o) => o !== s && o.startMs <= s.startMs && end(s) <= end(o) && o.durationMs > s.durationMs),
  );
  return `click → ${calls.map((s) => `${s.what.split(' ')[1]} ${s.durationMs} ms`).join(' → ')}; our own time ${breakdown.ownMs} ms`;
}
