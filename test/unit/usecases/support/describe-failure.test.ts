import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../../../src/shared/errors.ts';
import { describeAdapterFailure } from '../../../../src/usecases/support/describe-failure.ts';

describe('describeAdapterFailure', () => {
  it.each([
    [
      'aws_unauthenticated',
      'ExpiredTokenException',
      "AWS did not accept the bot's own credentials (ExpiredTokenException)",
    ],
    [
      'aws_denied',
      'AccessDeniedException',
      "the executor's AWS identity is not allowed to do this (AccessDeniedException)",
    ],
  ] as const)('%s: a sentence naming the upstream error', (code, upstream, sentence) => {
    const failure = describeAdapterFailure(new AdapterError(code, false, { upstream }), 'prod', 5);

    expect(failure).toMatchObject({ code, at: 5 });
    expect(failure.message).toContain(sentence);
  });
});
