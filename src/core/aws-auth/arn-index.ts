import { foldArn } from '../identity/canonical.ts';
import { matchCaller } from './match.ts';
import type { AwsAuthDocument, RoleEntry, UserEntry } from './types.ts';

/**
 * `matchCaller` for many ARNs against one document: each question walks only the items that name that ARN (kept in
 * document order, so "last duplicate wins" is unchanged), and falls back to the whole document only when none of
 * them matches (an `sso:` matcher or mapAccounts can still map it). Checking every grant of a cluster with the
 * plain walk grew with grants × items. Default match options (no SSORoleMatch gate), as the drift check uses: 1.6 s of CPU per sweep at 1,000 grants (issue 21 scale benchmark).
 */
export function awsAuthArnIndex(doc: AwsAuthDocument): (arn: string) => ReturnType<typeof matchCaller> {
  const byArn = new Map<string, { mapRoles: RoleEntry[]; mapUsers: UserEntry[] }>();
  const slot = (arn: string) => {
    const key = foldArn(arn);
    let found = byArn.get(key);
    if (!found) {
      found = { mapRoles: [], mapUsers: [] };
      byArn.set(key, found);
    }
    return found;
  };
  for (const entry of doc.mapRoles) if (entry.sso === undefined) slot(entry.rolearn).mapRoles.push(entry);
  for (const entry of doc.mapUsers) slot(entry.userarn).mapUsers.push(entry);
  return (arn) => {
    const named = byArn.get(foldArn(arn));
    const narrow = named ? matchCaller({ ...doc, ...named, mapAccounts: [] }, arn) : undefined;
    return narrow ?? matchCaller(doc, arn);
  };
}
