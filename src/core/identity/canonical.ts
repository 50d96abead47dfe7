import { type ArnProblem, PARTITIONS } from './arn.ts';

/**
 * What aws-iam-authenticator makes of the ARN STS GetCallerIdentity returns (`arn.Canonicalize`): an assumed-role
 * session becomes `arn:<p>:iam::<acct>:role/<RoleName>` (sessions carry no path, so neither does the result); IAM
 * user, role and root ARNs and STS federated-user ARNs pass through unchanged; anything else is an error.
 * The authenticator parses leniently (six colon-separated sections, known partition), and so does this.
 */
export type CanonicalCaller = {
  kind: 'canonical';
  /** The canonical ARN, spelled as STS spelled it (the authenticator lower-cases only to compare). */
  arn: string;
  partition: string;
  account: string;
  principalType: 'role' | 'user' | 'root' | 'federated-user';
  /**
   * The session name the authenticator derives from the caller's user id (`AROA…:<session>`): the session of an
   * assumed role, the name of a federated user (its user id is `<account>:<name>`), '' otherwise.
   */
  sessionName: string;
};

export function canonicalCallerArn(callerArn: string): CanonicalCaller | ArnProblem {
  if (!callerArn.startsWith('arn:')) return invalid('does not start with "arn:"');
  const sections = splitN(callerArn, ':', 6);
  if (sections.length !== 6) return invalid('not of the form arn:partition:service:region:account:resource');
  const [, partition = '', service = '', , account = '', resource = ''] = sections;
  if (!PARTITIONS.has(partition)) return invalid(`unknown partition "${partition}"`);
  const parts = resource.split('/');
  const type = parts[0] ?? '';
  const base = { kind: 'canonical' as const, partition, account };
  if (service === 'sts') {
    if (type === 'federated-user') {
      return { ...base, arn: callerArn, principalType: 'federated-user', sessionName: parts.slice(1).join('/') };
    }
    if (type !== 'assumed-role') return invalid(`unrecognized resource ${resource} for service sts`);
    if (parts.length < 3) return invalid('the assumed-role ARN does not name a role');
    const role = parts.slice(1, -1).join('/');
    const arn = `arn:${partition}:iam::${account}:role/${role}`;
    return { ...base, arn, principalType: 'role', sessionName: parts.at(-1) ?? '' };
  }
  if (service === 'iam') {
    if (type === 'role' || type === 'user' || type === 'root') {
      return { ...base, arn: callerArn, principalType: type, sessionName: '' };
    }
    return invalid(`unrecognized resource ${resource} for service iam`);
  }
  return invalid(`service ${service} is not a valid service for identities`);
}

/** Lower-cases the way the authenticator does before comparing ARNs (Go `strings.ToLower`/`EqualFold`). */
export function foldArn(arn: string): string {
  // U+017F (long s) folds to 's' in Go but survives JavaScript's toLowerCase; U+212A (Kelvin) lowers to 'k' in both.
  return arn.toLowerCase().replaceAll('\u017f', 's');
}

/** True when the authenticator would treat the two ARNs as the same principal. */
export function sameArnIgnoringCase(a: string, b: string): boolean {
  return foldArn(a) === foldArn(b);
}

// Go's strings.SplitN: at most n pieces, the last holding the rest.
function splitN(text: string, separator: string, n: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (pieces.length < n - 1) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  pieces.push(rest);
  return pieces;
}

function invalid(reason: string): ArnProblem {
  return { kind: 'invalid', reason };
}
