import type { LinkToken, PartitionOfRegion } from '../../core/identity/link-token.ts';

/** Who STS said signed a `link` token, as GetCallerIdentity returned it. */
export interface VerifiedCaller {
  arn: string;
  account: string;
  userId: string;
}

export type LinkVerification =
  | { ok: true; caller: VerifiedCaller }
  /** `rejected`: STS refused the signature (expired, made for another cluster name, altered); `unavailable`: no answer. */
  | { ok: false; reason: 'rejected' | 'unavailable'; detail: string };

/** Asks STS who signed a `link` token (the token is replayed, never stored). */
export interface LinkVerifier {
  /** The SDK's partition data, for the token's STS host check. */
  partitionOf: PartitionOfRegion;
  verify(token: LinkToken): Promise<LinkVerification>;
}
