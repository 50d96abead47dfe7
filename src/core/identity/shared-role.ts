import { isParsedArn, parseArn } from './arn.ts';
import type { PersonIdentity } from './person-identity.ts';
import { ssoRole } from './sso.ts';

/**
 * Why a grant to a whole principal reaches more people than the one asking:
 * - `sso-reserved`: an IAM Identity Center role (`AWSReservedSSO_<PermissionSet>_<hex>`): everyone with the
 *   permission set in the account signs in to it;
 * - `identity-sso`: the role is listed under `identity.sso`, so it is the role people of that account sign in to;
 * - `several-users`: two or more people in `users:` map to it.
 */
export type SharedRoleReason = 'sso-reserved' | 'identity-sso' | 'several-users';

/** A grant that would go to a principal others use too: shown in bold on the card; approving it needs a step-up. */
export interface SharedRole {
  /** The principal as the request holds it. */
  roleArn: string;
  reason: SharedRoleReason;
  /** For `several-users`: how many people `users:` maps to it. */
  people?: number;
}

/** Where `sharedRoleOf` looks: `users:` and `identity.sso` (a structural subset of Settings). */
export interface SharedRoleSources {
  readonly users: Readonly<Record<string, string | { readonly role: string; readonly session: string }>>;
  readonly identity?: { readonly sso?: readonly { readonly roleArn: string }[] | undefined } | undefined;
}

/**
 * Whether granting this identity gives the level to everyone who signs in to a shared role rather than to one
 * person. Only a whole principal can: a session identity binds one session's username. An assumed-role ARN counts
 * as its role (the executor grants the role). Undefined when the principal is the person's alone, as far as the
 * config and the ARN tell.
 */
export function sharedRoleOf(identity: PersonIdentity, sources: SharedRoleSources): SharedRole | undefined {
  if (identity.kind !== 'principal') return undefined;
  const arn: string = identity.arn;
  const parsed = parseArn(arn);
  if (isParsedArn(parsed) && ssoRole(parsed).isSso) return { roleArn: arn, reason: 'sso-reserved' };
  const key = principalKey(arn);
  if ((sources.identity?.sso ?? []).some((entry) => principalKey(entry.roleArn) === key)) {
    return { roleArn: arn, reason: 'identity-sso' };
  }
  const people = peoplePerPrincipal(sources.users).get(key) ?? 0;
  return people >= 2 ? { roleArn: arn, reason: 'several-users', people } : undefined;
}

// The config is read once and never changes in a process; counting per request parsed every `users:` ARN for each
// request (with 3,000 people that halved the pipeline's throughput). Keyed by the object, so a new config counts anew.
const countsByUsers = new WeakMap<SharedRoleSources['users'], ReadonlyMap<string, number>>();

/** How many `users:` entries map to each principal (by `principalKey`). */
function peoplePerPrincipal(users: SharedRoleSources['users']): ReadonlyMap<string, number> {
  const known = countsByUsers.get(users);
  if (known) return known;
  const counts = new Map<string, number>();
  for (const mapped of Object.values(users)) {
    const key = principalKey(typeof mapped === 'string' ? mapped : mapped.role);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  countsByUsers.set(users, counts);
  return counts;
}

/**
 * One key per IAM principal however it is spelled: a role with or without its path, or one of its sessions, is the
 * role; IAM compares names without case (aws-iam-authenticator lower-cases ARNs too).
 */
function principalKey(arn: string): string {
  const parsed = parseArn(arn);
  if (!isParsedArn(parsed)) return arn.toLowerCase();
  switch (parsed.kind) {
    case 'role':
      return `${parsed.partition}:${parsed.account}:role:${parsed.name.toLowerCase()}`;
    case 'assumed-role':
      return `${parsed.partition}:${parsed.account}:role:${parsed.roleName.toLowerCase()}`;
    case 'user':
      return `${parsed.partition}:${parsed.account}:user:${parsed.name.toLowerCase()}`;
    default:
      return arn.toLowerCase();
  }
}
