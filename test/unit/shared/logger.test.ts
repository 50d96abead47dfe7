import { Writable } from 'node:stream';
import type { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, secretsFromEnv, withLogContext } from '../../../src/shared/logger.ts';

/** A logger writing into memory, and what it wrote. */
function memoryLogger(secrets: string[] = []): { log: pino.Logger; output: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('info', 'test', { secrets, destination }), output: () => chunks.join('') };
}

describe('createLogger', () => {
  it.each([
    ['a redacted field', (log: pino.Logger) => log.info({ botToken: 'xoxb-1-field-value' }, 'x'), 'xoxb-1-field-value'],
    [
      'a Slack token inside a message',
      (log: pino.Logger) => log.warn({ err: 'Bearer xoxb-111-222-abcdef failed' }, 'x'),
      'xoxb-111-222-abcdef',
    ],
    [
      'an app token',
      (log: pino.Logger) => log.info({ detail: 'xapp-1-A1-2-secretvalue' }, 'x'),
      'xapp-1-A1-2-secretvalue',
    ],
    [
      'a configured secret anywhere',
      (log: pino.Logger) => log.info({ detail: 'sig=my-signing-secret-value' }, 'x'),
      'my-signing-secret-value',
    ],
    [
      'STS credentials',
      (log: pino.Logger) => log.info({ Credentials: { SecretAccessKey: 'aws-secret-1234' } }, 'x'),
      'aws-secret-1234',
    ],
  ])('never writes %s', (_, write, secret) => {
    const { log, output } = memoryLogger(['my-signing-secret-value']);

    write(log);

    expect(output()).toContain('[redacted]');
    expect(output()).not.toContain(secret);
  });

  it('adds the log context to every line of the logger it returns, keeping the parent bindings', () => {
    const memory = memoryLogger();
    const log = memory.log.child({ role: 'worker' });

    withLogContext(log, { requestId: 'R123' }).info('inside');
    log.info('outside');
    const [inside, outside] = memory
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));

    expect(inside).toMatchObject({ requestId: 'R123', role: 'worker', msg: 'inside' });
    expect(outside).not.toHaveProperty('requestId');
  });

  it('secretsFromEnv picks the token, secret and AWS key variables that are set', () => {
    expect(
      secretsFromEnv({
        SLACK_BOT_TOKEN: 'xoxb-a',
        SLACK_SIGNING_SECRET: 's3cret',
        AWS_REGION: 'us-east-1',
        AWS_SESSION_TOKEN: '',
      }),
    ).toEqual(['xoxb-a', 's3cret']);
  });
});
