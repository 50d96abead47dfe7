/**
 * Who a verified token belongs to, and the user info an EKS API server reports for it (what `kubectl auth whoami`
 * shows): username, uid `aws-iam-authenticator:<account>:<principalId>`, groups and the authenticator's extras.
 */
import { uniqueId } from '../aws/arn.ts';
import type { TokenCredential } from './token-verifier.ts';

export interface KubernetesCredential extends TokenCredential {
  /** The Kubernetes username the mapping gives this caller (default: the ARN). */
  username?: string;
  /** Mapped groups; `system:authenticated` is always added. */
  groups?: string[];
  /** STS `UserId`, `AROA…:<session>` for a role session or `AIDA…` for a user (default: derived from the ARN). */
  userId?: string;
}

export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

const ASSUMED_ROLE = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

/** aws-iam-authenticator's `arn.Canonicalize`: a role session becomes its (path-less) IAM role ARN. */
export function canonicalArn(arn: string): string {
  const match = ASSUMED_ROLE.exec(arn);
  if (!match) return arn;
  const [, partition, account, role] = match;
  return `arn:${partition}:iam::${account}:role/${role}`;
}

export function userInfoOf(credential: KubernetesCredential, accessKeyId: string): UserInfo {
  const session = ASSUMED_ROLE.exec(credential.arn);
  const canonical = canonicalArn(credential.arn);
  const account = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(credential.arn)?.[1] ?? '';
  const userId = credential.userId ?? defaultUserId(canonical, session?.[4]);
  const principalId = userId.split(':')[0] ?? userId;
  const extra: Record<string, string[]> = {
    accessKeyId: [accessKeyId],
    arn: [credential.arn],
    canonicalArn: [canonical],
    principalId: [principalId],
    'sigs.k8s.io/aws-iam-authenticator/principalId': [principalId],
  };
  if (session?.[4] !== undefined) extra['sessionName'] = [session[4]];
  return {
    username: credential.username ?? credential.arn,
    uid: `aws-iam-authenticator:${account}:${principalId}`,
    groups: [...(credential.groups ?? []), 'system:authenticated'],
    extra,
  };
}

function defaultUserId(canonical: string, sessionName: string | undefined): string {
  if (sessionName !== undefined) return `${uniqueId('AROA', canonical)}:${sessionName}`;
  return uniqueId(canonical.includes(':role/') ? 'AROA' : 'AIDA', canonical);
}
