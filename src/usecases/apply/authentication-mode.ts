import type { AccessRequest } from '../../core/request/request.ts';
import type { AccessEntries } from '../ports/eks.ts';

/**
 * How old a DescribeCluster answer a grant may act on: 10 minutes. Modes only move forward (CONFIG_MAP →
 * API_AND_CONFIG_MAP → API), so a cached mode that allows access entries is still right however old it is (a
 * cached API_AND_CONFIG_MAP that is now API costs at most an aws-auth read that was not needed); a cached
 * CONFIG_MAP is asked again below. The bound is for a cluster deleted and made again under the same name. It keeps
 * DescribeCluster off the click's path: one call per cluster per 10 minutes per process, not one per grant.
 */
const CLUSTER_INFO_MAX_AGE_MS = 10 * 60_000;

/** The cluster's authentication mode as the grant acts on it; a request with a mode update in flight asks afresh. */
export async function authenticationModeOf(
  entries: AccessEntries,
  request: AccessRequest,
  calls: string[],
): Promise<string> {
  const cached = await entries.describeCluster({ maxAgeMs: CLUSTER_INFO_MAX_AGE_MS });
  const cachedMode = cached.authenticationMode ?? 'CONFIG_MAP';
  if (cachedMode !== 'CONFIG_MAP' && !request.modeUpdate) return cachedMode;
  const fresh = await entries.describeCluster();
  calls.push(`eks:DescribeCluster ${request.cluster}`);
  return fresh.authenticationMode ?? 'CONFIG_MAP';
}

/** Access entries need the mode past CONFIG_MAP, and no switch of it left half-done by a recovery. */
export function takesAccessEntries(mode: string, request: AccessRequest): boolean {
  return mode !== 'CONFIG_MAP' && request.modeUpdate === undefined;
}
