import { awsAuthArn, isParsedArn, parseArn } from '../identity/arn.ts';
import { MASTERS_GROUP } from './nodes.ts';

/** Why one op of a batch was refused; the other ops still apply. */
export type EditRefusalCode =
  /** The list (mapRoles or mapUsers) does not parse: nothing in it is touched. */
  | 'key_unparseable'
  /** The item or the list is laid out so that a splice could break it (an anchor, a second YAML document). */
  | 'layout_unsupported'
  /** Not an IAM role or user ARN of the strict grammar (newlines, `{{`, `|`, `#`… never get this far). */
  | 'invalid_arn'
  /** An STS session ARN: never matches; the role ARN must be resolved first. */
  | 'session_arn'
  /** A role ARN with a path: callers are canonicalized without one, so it would never match. */
  | 'role_arn_has_path'
  /** Root, federated users: aws-auth cannot map them. */
  | 'unsupported_principal'
  /** A role ARN in a user op or the reverse. */
  | 'kind_mismatch'
  | 'missing_username'
  | 'missing_groups'
  /** An empty group, or a string with a lone surrogate (not valid UTF-8 once written). */
  | 'invalid_string'
  /** `system:masters` is never granted (bind `eks-access:cluster-admin` to `cluster-admin` instead). */
  | 'system_masters'
  /** A `system:` username or group belongs to Kubernetes components (and would look like a node entry). */
  | 'reserved_name'
  /** The ARN has a node, Fargate or Windows item: never changed or removed. */
  | 'node_entry'
  /** A restore found the item changed since eks-access wrote it: someone else's change, never overwritten. */
  | 'item_changed';

export type EditRefusal = { code: EditRefusalCode; reason: string; line?: number };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Checks a principal ARN: roles to write must be path-less; any role or user ARN may be removed. */
export function arnRefusal(kind: 'role' | 'user', arn: string, purpose: 'write' | 'remove'): EditRefusal | undefined {
  const parsed = parseArn(arn);
  if (!isParsedArn(parsed)) return { code: 'invalid_arn', reason: `not an IAM ${kind} ARN: ${parsed.reason}` };
  if (parsed.kind === 'assumed-role') {
    const fix = awsAuthArn(parsed) ?? '';
    return { code: 'session_arn', reason: `an STS session ARN never matches; the role ARN is ${fix}` };
  }
  if (parsed.kind === 'root' || parsed.kind === 'federated-user') {
    return { code: 'unsupported_principal', reason: `aws-auth cannot map a ${parsed.kind} principal` };
  }
  if (parsed.kind !== kind) return { code: 'kind_mismatch', reason: `a ${parsed.kind} ARN in a ${kind} op` };
  if (purpose === 'write' && parsed.kind === 'role' && parsed.path !== '/') {
    const fix = awsAuthArn(parsed) ?? '';
    return { code: 'role_arn_has_path', reason: `aws-auth needs the role ARN without its path: ${fix}` };
  }
  return undefined;
}

export function itemRefusal(item: {
  kind: 'role' | 'user';
  arn: string;
  username: string;
  groups: readonly string[];
}): EditRefusal | undefined {
  const arn = arnRefusal(item.kind, item.arn, 'write');
  if (arn !== undefined) return arn;
  if (item.username === '') return { code: 'missing_username', reason: 'the item needs an explicit username' };
  // A per-session item (the username renders each person's own session name) needs no group: each person's access
  // comes from RBAC bindings of their own username, made per grant (issue 19).
  if (item.groups.length === 0 && !isPerSessionUsername(item.username)) {
    return { code: 'missing_groups', reason: 'the item needs at least one group' };
  }
  for (const text of [item.username, ...item.groups]) {
    if (text === '') return { code: 'invalid_string', reason: 'a group is empty' };
    if (LONE_SURROGATE.test(text)) return { code: 'invalid_string', reason: 'a string is not valid Unicode' };
  }
  if (item.groups.some((group) => isMasters(group))) {
    return { code: 'system_masters', reason: `${MASTERS_GROUP} is never granted; use eks-access:cluster-admin` };
  }
  const reserved = [item.username, ...item.groups].find((name) => name.trim().toLowerCase().startsWith('system:'));
  if (reserved !== undefined) {
    return { code: 'reserved_name', reason: 'system: usernames and groups belong to Kubernetes components' };
  }
  return undefined;
}

/** `system:masters` however it is spelled or padded. */
export function isMasters(group: string): boolean {
  return group.trim().toLowerCase() === MASTERS_GROUP;
}

/** A username template that renders each session's own name (`{{SessionName}}` or `{{SessionNameRaw}}`). */
export function isPerSessionUsername(username: string): boolean {
  return username.includes('{{SessionName}}') || username.includes('{{SessionNameRaw}}');
}
