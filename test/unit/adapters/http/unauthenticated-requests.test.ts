import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createUnauthenticatedRequestLog,
  type HttpRefusal,
  UNAUTHENTICATED_LOG_WINDOW_MS,
} from '../../../../src/adapters/http/unauthenticated-requests.ts';
import { createLogger } from '../../../../src/shared/logger.ts';

function setup() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
      done();
    },
  });
  const counted: HttpRefusal[] = [];
  let at = 1_000_000;
  const limiter = createUnauthenticatedRequestLog({
    count: (refusal) => counted.push(refusal),
    log: createLogger('info', 'test', { destination }),
    now: () => at,
    hasTimer: false,
  });
  return { lines, counted, limiter, advance: (ms: number) => (at += ms) };
}

const bad = (source: string): HttpRefusal => ({ status: 401, reason: 'signature verification failed', source });

describe('unauthenticated Slack requests: counted every time, logged at most once a minute per source', () => {
  it('a burst from one source is one line now and one line with the count after the minute', () => {
    const { lines, counted, limiter, advance } = setup();

    for (let i = 0; i < 50; i++) limiter.record(bad('203.0.113.7'));
    limiter.sweep();
    const duringTheMinute = lines.length;
    advance(UNAUTHENTICATED_LOG_WINDOW_MS);
    limiter.sweep();

    expect(counted).toHaveLength(50);
    expect(duringTheMinute).toBe(1);
    expect(lines[0]).toMatchObject({ msg: 'unauthenticated Slack request refused', source: '203.0.113.7' });
    expect(lines[1]).toMatchObject({ source: '203.0.113.7', count: 49, reason: 'signature verification failed' });
    expect(lines).toHaveLength(2);
  });

  it('each source gets its own line; a source quiet for a minute is forgotten and logged afresh', () => {
    const { lines, limiter, advance } = setup();

    limiter.record(bad('198.51.100.1'));
    limiter.record(bad('198.51.100.2'));
    advance(UNAUTHENTICATED_LOG_WINDOW_MS);
    limiter.sweep();
    limiter.record(bad('198.51.100.1'));

    expect(lines.map((l) => [l['msg'], l['source']])).toEqual([
      ['unauthenticated Slack request refused', '198.51.100.1'],
      ['unauthenticated Slack request refused', '198.51.100.2'],
      ['unauthenticated Slack request refused', '198.51.100.1'],
    ]);
  });
});
