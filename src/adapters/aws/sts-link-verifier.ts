import {
  GetCallerIdentityCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  STSClient,
} from '@aws-sdk/client-sts';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { regionPartition } from '../../config/partition.ts';
import { LINK_AUDIENCE, LINK_AUDIENCE_HEADER, type LinkToken } from '../../core/identity/link-token.ts';
import type { LinkVerification, LinkVerifier } from '../../usecases/ports/link-verifier.ts';

/**
 * Replays a `link` token's signed GetCallerIdentity query to STS, the way aws-iam-authenticator replays an EKS token,
 * but never to the host written in the token: the request goes to the endpoint the AWS SDK resolves for the token's
 * Region (honouring AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, FIPS and dual-stack as the token's host asks), so a
 * token cannot make the bot connect anywhere else. The `Host` header is the token's host, because the person's
 * signature covers it.
 *
 * An STSClient does the sending (endpoint rules, timeouts, retries of 5xx/throttling, XML parsing and error codes);
 * a middleware after its signing step swaps its request for the person's presigned GET, so the bot's own signature
 * is dropped and the bot's credentials are never used (the client gets a placeholder key for that reason).
 */
const HTTP = { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true };
/** The whole check, retries included, never holds a worker slot longer than this. */
const TOTAL_TIMEOUT_MS = 25_000;
const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'unused-link-replay', secretAccessKey: 'unused-link-replay' };

export function createStsLinkVerifier(): LinkVerifier {
  return {
    partitionOf: regionPartition,
    async verify(token) {
      const client = new STSClient({
        region: token.region,
        requestHandler: HTTP,
        maxAttempts: 2,
        credentials: PLACEHOLDER_CREDENTIALS,
        ...(token.endpoint.global ? { useGlobalEndpoint: true } : {}),
        ...(token.endpoint.fips ? { useFipsEndpoint: true } : {}),
        ...(token.endpoint.dualStack ? { useDualstackEndpoint: true } : {}),
      });
      client.middlewareStack.addRelativeTo(replayToken(token), {
        relation: 'after',
        toMiddleware: 'httpSigningMiddleware',
        name: 'eksAccessLinkReplay',
      });
      try {
        const answer = await client.send(new GetCallerIdentityCommand({}), {
          abortSignal: AbortSignal.timeout(TOTAL_TIMEOUT_MS),
        });
        if (!answer.Arn || !answer.Account) return unavailable('STS answered without an ARN');
        return { ok: true, caller: { arn: answer.Arn, account: answer.Account, userId: answer.UserId ?? '' } };
      } catch (error) {
        return classify(error);
      } finally {
        client.destroy();
      }
    },
  };
}

/** Sets the HTTP request to the token's GET: its query as signed, its host, and the audience header. */
function replayToken(token: LinkToken): FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  return (next) => async (args) => {
    const request = args.request as {
      method: string;
      query: Record<string, string | string[] | null>;
      headers: Record<string, string>;
      body?: unknown;
    };
    request.method = 'GET';
    request.query = Object.fromEntries(token.query.map(([key, value]) => [key, value]));
    request.headers = { host: token.host, [LINK_AUDIENCE_HEADER]: LINK_AUDIENCE };
    request.body = undefined;
    return await next(args);
  };
}

function classify(error: unknown): LinkVerification {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = error instanceof Error ? error.name : 'Error';
  // 400/403: the signature, key or session token was refused; 429/5xx and network errors: STS did not answer.
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return { ok: false, reason: 'rejected', detail: `STS answered ${status} ${code}` };
  }
  return unavailable(status === undefined ? `${code}: no answer from STS` : `STS answered ${status} ${code}`);
}

function unavailable(detail: string): LinkVerification {
  return { ok: false, reason: 'unavailable', detail };
}
