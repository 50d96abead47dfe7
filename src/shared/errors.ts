/** The closed vocabulary of adapter failures. Classified by error name, HTTP status or Slack's `error` field, never by message text. */
export const ADAPTER_ERROR_CODES = [
  'aws_throttled',
  'aws_not_found',
  'aws_conflict',
  'aws_invalid',
  'aws_wrong_mode',
  'aws_denied',
  'aws_unauthenticated',
  'aws_unavailable',
  'k8s_unauthorized',
  'k8s_forbidden',
  'k8s_conflict',
  'k8s_unavailable',
  'slack_rate_limited',
  'slack_platform_error',
  'slack_unavailable',
  'redis_unavailable',
  'timeout',
  'unknown',
] as const;
export type AdapterErrorCode = (typeof ADAPTER_ERROR_CODES)[number];

export class AdapterError extends Error {
  readonly code: AdapterErrorCode;
  readonly retryable: boolean;
  /** The upstream error name or Slack error string, for people and logs (never a secret). */
  readonly upstream: string | undefined;
  /** The call that failed, as its IAM action (`eks:ListAccessEntries`), when the adapter said which. */
  readonly operation: string | undefined;
  constructor(
    code: AdapterErrorCode,
    retryable: boolean,
    options: { cause?: unknown; upstream?: string; operation?: string } = {},
  ) {
    super(options.upstream ? `${code} (${options.upstream})` : code, { cause: options.cause });
    this.name = 'AdapterError';
    this.code = code;
    this.retryable = retryable;
    this.upstream = options.upstream;
    this.operation = options.operation;
  }
}

/**
 * `toAdapterError` plus the call that failed (`eks:ListAccessEntries`), so a person can be told which permission
 * or call was refused. An error that already names its call keeps it: a refused AssumeRole under an EKS call is
 * reported as the AssumeRole.
 */
export function failedCall(operation: string, error: unknown): AdapterError {
  const adapterError = toAdapterError(error);
  if (adapterError.operation !== undefined) return adapterError;
  return new AdapterError(adapterError.code, adapterError.retryable, {
    cause: adapterError.cause,
    ...(adapterError.upstream !== undefined ? { upstream: adapterError.upstream } : {}),
    operation,
  });
}

const AWS_BY_NAME: Record<string, [AdapterErrorCode, boolean]> = {
  ThrottlingException: ['aws_throttled', true],
  TooManyRequestsException: ['aws_throttled', true],
  Throttling: ['aws_throttled', true],
  RequestLimitExceeded: ['aws_throttled', true],
  ResourceNotFoundException: ['aws_not_found', false],
  NotFoundException: ['aws_not_found', false],
  NoSuchEntityException: ['aws_not_found', false],
  ResourceInUseException: ['aws_conflict', false],
  InvalidParameterException: ['aws_invalid', false],
  InvalidRequestException: ['aws_invalid', false],
  ResourceLimitExceededException: ['aws_invalid', false],
  ClientException: ['aws_invalid', false],
  AccessDeniedException: ['aws_denied', false],
  AccessDenied: ['aws_denied', false],
  UnauthorizedOperation: ['aws_denied', false],
  // AWS refused the credentials themselves, before any policy was consulted; no retry makes them valid.
  ExpiredTokenException: ['aws_unauthenticated', false],
  ExpiredToken: ['aws_unauthenticated', false],
  InvalidClientTokenId: ['aws_unauthenticated', false],
  UnrecognizedClientException: ['aws_unauthenticated', false],
  SignatureDoesNotMatch: ['aws_unauthenticated', false],
  InvalidSignatureException: ['aws_unauthenticated', false],
  IncompleteSignature: ['aws_unauthenticated', false],
  IncompleteSignatureException: ['aws_unauthenticated', false],
  MissingAuthenticationToken: ['aws_unauthenticated', false],
  MissingAuthenticationTokenException: ['aws_unauthenticated', false],
  // The SDK's credential chain found nothing usable (no keys, unknown profile, SSO session expired): no call was made.
  CredentialsProviderError: ['aws_unauthenticated', false],
  TokenProviderError: ['aws_unauthenticated', false],
  ServerException: ['aws_unavailable', true],
  ServiceUnavailableException: ['aws_unavailable', true],
  InternalFailure: ['aws_unavailable', true],
  TimeoutError: ['timeout', true],
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** The one place that inspects foreign errors. */
export function toAdapterError(error: unknown): AdapterError {
  if (error instanceof AdapterError) return error;
  if (!(error instanceof Error)) return new AdapterError('unknown', false, { cause: error });
  const name = error.name;
  const known = AWS_BY_NAME[name];
  if (known) return new AdapterError(known[0], known[1], { cause: error, upstream: name });
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined) {
    if (status === 429) return new AdapterError('aws_throttled', true, { cause: error, upstream: name });
    if (status >= 500) return new AdapterError('aws_unavailable', true, { cause: error, upstream: name });
    if (status === 403) return new AdapterError('aws_denied', false, { cause: error, upstream: name });
    return new AdapterError('aws_invalid', false, { cause: error, upstream: name });
  }
  const slackCode = (error as { code?: unknown }).code;
  if (slackCode === 'slack_webapi_rate_limited_error') {
    return new AdapterError('slack_rate_limited', true, { cause: error, upstream: String(slackCode) });
  }
  if (slackCode === 'slack_webapi_platform_error') {
    const platform = (error as { data?: { error?: string } }).data?.error ?? 'platform_error';
    return new AdapterError('slack_platform_error', false, { cause: error, upstream: platform });
  }
  if (slackCode === 'slack_webapi_request_error' || slackCode === 'slack_webapi_http_error') {
    return new AdapterError('slack_unavailable', true, { cause: error, upstream: String(slackCode) });
  }
  if (typeof slackCode === 'string' && NETWORK_CODES.has(slackCode)) {
    return new AdapterError('aws_unavailable', true, { cause: error, upstream: slackCode });
  }
  return new AdapterError('unknown', false, { cause: error, upstream: name });
}

/** Why AWS refused credentials, by the error's name: what a person has to do differs (log in again, fix the key, set a profile). */
export type CredentialProblem = 'expired' | 'invalid' | 'missing';

const CREDENTIAL_PROBLEM_BY_NAME: Record<string, CredentialProblem> = {
  ExpiredTokenException: 'expired',
  ExpiredToken: 'expired',
  InvalidClientTokenId: 'invalid',
  UnrecognizedClientException: 'invalid',
  SignatureDoesNotMatch: 'invalid',
  InvalidSignatureException: 'invalid',
  IncompleteSignature: 'invalid',
  IncompleteSignatureException: 'invalid',
  MissingAuthenticationToken: 'missing',
  MissingAuthenticationTokenException: 'missing',
  CredentialsProviderError: 'missing',
  TokenProviderError: 'missing',
};

/** For an `aws_unauthenticated` error, which kind of credential problem it is; undefined for any other error. */
export function credentialProblemOf(error: AdapterError): CredentialProblem | undefined {
  if (error.code !== 'aws_unauthenticated' || error.upstream === undefined) return undefined;
  return CREDENTIAL_PROBLEM_BY_NAME[error.upstream] ?? 'invalid';
}

/**
 * Not a failure: the work must wait (a Slack channel's posting budget is spent for `delayMs`). The worker moves the
 * job back to delayed for that long without spending one of its attempts; everything it did so far is idempotent.
 */
export class DeferredError extends Error {
  readonly delayMs: number;
  /** An earlier try in the same call may have reached Slack: the next run must look before it posts. */
  readonly afterUncertainTry: boolean;
  constructor(delayMs: number, why: string, options: { afterUncertainTry?: boolean } = {}) {
    super(`deferred ${Math.ceil(delayMs)} ms: ${why}`);
    this.name = 'DeferredError';
    this.delayMs = delayMs;
    this.afterUncertainTry = options.afterUncertainTry ?? false;
  }
}
