import { partition } from '@aws-sdk/core/client';

/** The AWS partition a Region belongs to, as the AWS SDK's own endpoint data says (never a hand-kept table). */
export interface AwsPartition {
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, … as it appears in ARNs. */
  readonly partition: string;
  /** `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, … for regional hosts such as STS. */
  readonly dnsSuffix: string;
}

export function partitionOfRegion(region: string): AwsPartition {
  const found = partition(region);
  return { partition: found.name, dnsSuffix: found.dnsSuffix };
}

/**
 * The partition of a Region name for the `link` token's STS host check, from the same SDK data. The SDK maps any
 * unknown name to `aws`; the host check only passes Region-shaped names, and the host is never fetched anyway.
 */
export function regionPartition(region: string): { partition: string; dnsSuffix: string; dualStackDnsSuffix: string } {
  const found = partition(region);
  return { partition: found.name, dnsSuffix: found.dnsSuffix, dualStackDnsSuffix: found.dualStackDnsSuffix };
}
