import { parseAwsAuth } from '../../aws-auth/document.ts';
import { matchCaller } from '../../aws-auth/match.ts';
import { awsAuthDocument } from '../access-state.ts';
import { awsAuthDecides } from '../aws-auth-text.ts';
import { editAwsAuthCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { awsAuthPrincipal, clusterMode } from '../principal.ts';

/** Data keys are case-sensitive: `mapusers` or `MapRoles` is silently ignored, with everything in it. */
export function awsAuthWrongCaseKey(e: Evidence): Finding | undefined {
  const doc = awsAuthDocument(e);
  if (!doc || doc.wrongCaseKeys.length === 0 || clusterMode(e) === 'API' || !e.awsAuth.known) return undefined;
  const data = e.awsAuth.value.data;
  const principal = awsAuthPrincipal(e);
  const evidence: string[] = [];
  let mapsPrincipal: { key: string; line: number } | undefined;
  for (const { key, intended } of doc.wrongCaseKeys) {
    evidence.push(
      `Data key "${key}" is ignored: the authenticator reads only "${intended}" (data keys are case-sensitive)`,
    );
    // What the ignored key would map if it were spelled right.
    const value = data[key];
    const asIntended = value === undefined ? undefined : parseAwsAuth({ [intended]: value });
    const match = asIntended && principal ? matchCaller(asIntended, principal) : undefined;
    if (match && match.via !== 'mapAccounts' && mapsPrincipal === undefined) {
      mapsPrincipal = { key, line: match.entry.line };
      evidence.push(`"${key}" line ${match.entry.line} would map ${principal}`);
    }
  }
  const isBlocking = mapsPrincipal !== undefined && awsAuthDecides(e);
  const keys = doc.wrongCaseKeys.map((k) => `"${k.key}"`).join(', ');
  return {
    rule: 'aws-auth-wrong-case-key',
    severity: isBlocking ? 'blocker' : 'warning',
    title: isBlocking
      ? `Your aws-auth item is under ${mapsPrincipal?.key}, a misspelled data key the authenticator ignores`
      : `aws-auth has data keys with the wrong case (${keys}); everything in them is ignored`,
    evidence,
    fix:
      'Move the items of each misspelled key into the correctly spelled one (merge them if both exist) and delete the misspelled key. ' +
      'Keep node role items exactly as they are.',
    fixCommand: editAwsAuthCommand(),
    ...(isBlocking ? { symptom: 'unauthorized' as const } : {}),
  };
}
