/**
 * How each AWS protocol answers credentials it refuses before any authorization, for `FakeServer.rejectAccessKey`.
 * These are the services' common errors (not in the per-service Smithy models, so the SDK names the error after the
 * wire code): awsQuery services (STS, IAM) answer 403 with `<Code>ExpiredToken</Code>` / `InvalidClientTokenId` /
 * `SignatureDoesNotMatch`; restJson1 (EKS) answers 403 with `x-amzn-ErrorType: ExpiredTokenException` /
 * `UnrecognizedClientException` / `InvalidSignatureException`; awsJson1_1 (CloudTrail) uses the same names with 400.
 */
import type { InjectedFailure } from '../fake-server.ts';

/** `expired`: a session past its expiry (SSO, AssumeRole); `unknown_key`: a deleted or mistyped key; `bad_signature`: the wrong secret. */
export type CredentialRejection = 'expired' | 'unknown_key' | 'bad_signature';
export type AwsProtocol = 'awsQuery' | 'restJson1' | 'awsJson1_1';

const QUERY_CODES: Record<CredentialRejection, string> = {
  expired: 'ExpiredToken',
  unknown_key: 'InvalidClientTokenId',
  bad_signature: 'SignatureDoesNotMatch',
};

const JSON_CODES: Record<CredentialRejection, string> = {
  expired: 'ExpiredTokenException',
  unknown_key: 'UnrecognizedClientException',
  bad_signature: 'InvalidSignatureException',
};

const MESSAGES: Record<CredentialRejection, string> = {
  expired: 'The security token included in the request is expired',
  unknown_key: 'The security token included in the request is invalid.',
  bad_signature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
};

export function credentialRejection(protocol: AwsProtocol, kind: CredentialRejection): InjectedFailure {
  const code = protocol === 'awsQuery' ? QUERY_CODES[kind] : JSON_CODES[kind];
  return { status: protocol === 'awsJson1_1' ? 400 : 403, code, message: MESSAGES[kind] };
}
