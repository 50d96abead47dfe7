import { describe, expect, it } from 'vitest';
import { AdapterError, credentialProblemOf, failedCall, toAdapterError } from '../../../src/shared/errors.ts';

/** An SDK-shaped error: classified by its name and HTTP status, never by the message. */
function sdkError(name: string, status?: number): Error {
  const error = new Error('a message that must not matter');
  error.name = name;
  return Object.assign(error, status === undefined ? {} : { $metadata: { httpStatusCode: status } });
}

describe('toAdapterError: credentials AWS refuses', () => {
  it.each([
    ['ExpiredToken', 403, 'expired'],
    ['ExpiredTokenException', 403, 'expired'],
    ['InvalidClientTokenId', 403, 'invalid'],
    ['UnrecognizedClientException', 400, 'invalid'],
    ['SignatureDoesNotMatch', 403, 'invalid'],
    ['InvalidSignatureException', 403, 'invalid'],
    ['CredentialsProviderError', undefined, 'missing'],
    ['TokenProviderError', undefined, 'missing'],
  ] as const)('%s → aws_unauthenticated (%s)', (name, status, problem) => {
    const error = toAdapterError(sdkError(name, status));

    expect(error).toMatchObject({ code: 'aws_unauthenticated', retryable: false, upstream: name });
    expect(credentialProblemOf(error)).toBe(problem);
  });

  it.each([
    ['AccessDeniedException', 403, 'aws_denied'],
    ['ThrottlingException', 400, 'aws_throttled'],
    ['SomethingElse', 403, 'aws_denied'],
  ] as const)('%s is not a credential problem (%s)', (name, status, code) => {
    const error = toAdapterError(sdkError(name, status));

    expect(error.code).toBe(code);
    expect(credentialProblemOf(error)).toBeUndefined();
  });
});

describe('failedCall', () => {
  it('names the call that failed and keeps the classification', () => {
    const error = failedCall('eks:ListAccessEntries', sdkError('AccessDeniedException', 403));

    expect(error).toMatchObject({
      code: 'aws_denied',
      upstream: 'AccessDeniedException',
      operation: 'eks:ListAccessEntries',
    });
  });

  it('keeps the first call named: a refused AssumeRole under an EKS call is reported as the AssumeRole', () => {
    const assume = new AdapterError('aws_denied', false, { upstream: 'AccessDenied', operation: 'sts:AssumeRole' });

    expect(failedCall('eks:DescribeCluster', assume).operation).toBe('sts:AssumeRole');
  });
});
