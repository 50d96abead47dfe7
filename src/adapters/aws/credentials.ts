import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { failedCall } from '../../shared/errors.ts';
import { type AwsCallObserver, observeCalls } from './call-metrics.ts';

/** Refresh assumed-role credentials this long before they expire, so no call starts with a dying key. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface CredentialsCache {
  /** Undefined means "the SDK's default chain". */
  forRole(roleArn: string | undefined, region: string): AwsCredentialIdentityProvider | undefined;
}

/**
 * Per-cluster executor roles are assumed with STS AssumeRole and cached until shortly before expiry;
 * concurrent callers share one in-flight AssumeRole.
 */
export function createCredentialsCache(
  now: () => number = Date.now,
  /** The call metrics, so AssumeRole latency and errors are measured like every other call. */
  observe?: AwsCallObserver,
): CredentialsCache {
  const stsByRegion = new Map<string, STSClient>();
  const providers = new Map<string, AwsCredentialIdentityProvider>();
  const sts = (region: string) => {
    let client = stsByRegion.get(region);
    if (!client) {
      client = new STSClient({
        region,
        requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000, throwOnRequestTimeout: true },
      });
      if (observe) client.middlewareStack.use(observeCalls(observe));
      stsByRegion.set(region, client);
    }
    return client;
  };
  return {
    forRole(roleArn, region) {
      if (!roleArn) return undefined;
      const key = `${region}|${roleArn}`;
      const existing = providers.get(key);
      if (existing) return existing;
      let cached: AwsCredentialIdentity | undefined;
      let inFlight: Promise<AwsCredentialIdentity> | undefined;
      const provider: AwsCredentialIdentityProvider = async () => {
        if (cached?.expiration && cached.expiration.getTime() - REFRESH_MARGIN_MS > now()) return cached;
        inFlight ??= assume(sts(region), roleArn).finally(() => {
          inFlight = undefined;
        });
        cached = await inFlight;
        return cached;
      };
      providers.set(key, provider);
      return provider;
    },
  };
}

async function assume(client: STSClient, roleArn: string): Promise<AwsCredentialIdentity> {
  try {
    const result = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'eks-access' }));
    const creds = result.Credentials;
    if (!creds?.AccessKeyId || !creds.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      ...(creds.SessionToken ? { sessionToken: creds.SessionToken } : {}),
      ...(creds.Expiration ? { expiration: creds.Expiration } : {}),
    };
  } catch (error) {
    throw failedCall(`sts:AssumeRole on ${roleArn}`, error);
  }
}
