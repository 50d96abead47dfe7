/**
 * IAM/STS ARN parsing and the AWS-style identifiers the fakes hand out.
 *
 * Kept inside the sandbox on purpose: the fakes must not share the product's ARN code, or a bug there would be
 * mirrored by the fake and every test would still pass.
 */
import { createHash } from 'node:crypto';

export interface IamPrincipalArn {
  arn: string;
  partition: string;
  account: string;
  kind: 'role' | 'user';
  /** IAM path, always starting and ending with `/` (`/` when the principal has none). */
  path: string;
  name: string;
}

const IAM_PRINCIPAL = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(role|user)\/(.+)$/;
const NAME = /^[\w+=,.@-]{1,128}$/;
const STS_SESSION = /^arn:(aws|aws-cn|aws-us-gov):sts::\d{12}:(assumed-role|federated-user)\//;

export function parseIamPrincipalArn(arn: string): IamPrincipalArn | undefined {
  const match = IAM_PRINCIPAL.exec(arn);
  if (!match) return undefined;
  const [, partition = '', account = '', kind, rest = ''] = match;
  const parts = rest.split('/');
  const name = parts.pop() ?? '';
  if (!NAME.test(name) || parts.some((part) => part === '')) return undefined;
  const path = parts.length === 0 ? '/' : `/${parts.join('/')}/`;
  return { arn, partition, account, kind: kind === 'role' ? 'role' : 'user', path, name };
}

export function isStsSessionArn(arn: string): boolean {
  return STS_SESSION.test(arn);
}

/** `arn:aws:sts::ACCT:assumed-role/NAME/SESSION`: the role's path is not part of a session ARN. */
export function assumedRoleArn(role: IamPrincipalArn, sessionName: string): string {
  return `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * An IAM unique id (`AROA…` role, `AIDA…` user, `ASIA…`/`AKIA…` key): prefix + 17 (16 for keys) base32 characters,
 * derived from `seed` so that the STS and IAM fakes agree on a role's id without sharing state.
 */
export function uniqueId(prefix: 'AROA' | 'AIDA' | 'ASIA' | 'AKIA', seed: string): string {
  const length = prefix === 'ASIA' || prefix === 'AKIA' ? 16 : 17;
  const digest = createHash('sha256').update(`${prefix}:${seed}`).digest();
  let id = prefix;
  for (let i = 0; i < length; i++) id += ID_ALPHABET[(digest[i] ?? 0) % ID_ALPHABET.length];
  return id;
}
