import { foldArn } from '../identity/canonical.ts';
import { ssoMatches } from './sso-matcher.ts';
import type { AwsAuthEntry } from './types.ts';

export type MatchOptions = {
  /** Let `sso:` matchers match, as with the authenticator's alpha SSORoleMatch gate (off by default). */
  ssoRoleMatch?: boolean;
};

/** Whether one valid entry, on its own, would accept the canonical caller ARN. */
export function entryMatches(entry: AwsAuthEntry, canonicalArn: string, options: MatchOptions = {}): boolean {
  if (entry.list === 'mapUsers') return foldArn(entry.userarn) === foldArn(canonicalArn);
  if (entry.sso !== undefined) return options.ssoRoleMatch === true && ssoMatches(entry.sso, canonicalArn);
  return foldArn(entry.rolearn) === foldArn(canonicalArn);
}
