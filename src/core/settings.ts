import type { PersonIdentity } from './identity/person-identity.ts';
import { asPrincipalArn, type PersonId, type PrincipalArn } from './ids.ts';
import { closestName } from './intent/suggest.ts';
import type { Level } from './levels.ts';
import type { Refusal } from './refusals.ts';
import type { ApprovalPolicy, AutoApproveRule, BreakGlassRule } from './request/approval.ts';
import type { DurationOverrides } from './request/duration-policy.ts';
import { ADMIN_ACTION_MIN_APPROVALS, type RequestKind } from './request/request.ts';

/** One cluster as the executor and the approval rules see it (the validated config entry). */
export interface ClusterSettings {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly region: string;
  /** The Region's AWS partition (`aws`, `aws-cn`, `aws-us-gov`, …), set by the config loader; absent: `aws`. */
  readonly partition?: string | undefined;
  /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`, …), set with `partition`. */
  readonly dnsSuffix?: string | undefined;
  readonly accountId: string;
  readonly roleArn?: string | undefined;
  readonly method: 'access-entries' | 'aws-auth' | 'auto';
  readonly approvers: readonly string[];
  readonly requiredApprovals: number;
  readonly approvalChannel?: string | undefined;
  readonly durations?:
    | Readonly<Partial<Record<Level, { default?: number | undefined; max?: number | undefined }>>>
    | undefined;
  /** Milliseconds a request may stay undecided before it lapses; default 24 h. */
  readonly pendingTimeout?: number | undefined;
  /** Levels whose approval needs a step-up (retyping the cluster name); default cluster-admin. */
  readonly stepUpLevels?: readonly Level[] | undefined;
  readonly allowSelfApproval?: boolean | undefined;
  readonly autoApprove?: AutoApproveRule | undefined;
  readonly breakGlass?: BreakGlassRule | undefined;
  /** Who besides the approvers may ask for someone else here (users, S… groups); overrides the top-level list. */
  readonly requestForOthers?: readonly string[] | undefined;
  /** Per-level overrides of the approval rules; absent keys fall back to the cluster's. */
  readonly policies?: Readonly<Partial<Record<Level, LevelPolicySettings | undefined>>> | undefined;
}

export interface LevelPolicySettings {
  readonly approvers?: readonly string[] | undefined;
  readonly requiredApprovals?: number | undefined;
  readonly allowSelfApproval?: boolean | undefined;
  readonly autoApprove?: boolean | undefined;
}

export function durationOverrides(cluster: ClusterSettings): DurationOverrides {
  const overrides: DurationOverrides = {};
  for (const [level, values] of Object.entries(cluster.durations ?? {}) as [
    Level,
    { default?: number; max?: number },
  ][]) {
    overrides[level] = {
      ...(values.default ? { defaultMs: values.default } : {}),
      ...(values.max ? { maxMs: values.max } : {}),
    };
  }
  return overrides;
}

/** A `users:` value: an IAM ARN, or one person's session on a role others sign in to as well. */
export type UserMapping = string | { readonly role: string; readonly session: string };

/** One permission-set role people sign in with in an account (`identity.sso`). */
export interface SsoAccountRole {
  readonly accountId: string;
  readonly roleArn: string;
  /** What the session name is made of: the Slack profile email, or the part before its `@`. */
  readonly sessionName: 'email' | 'email-local-part';
}

/** `identity:` from the config: where people not listed in `users:` are found. */
export interface IdentitySettings {
  readonly sso?: readonly SsoAccountRole[] | undefined;
  /** How long a `link` holds (ms); default 30 days. */
  readonly linkTtl?: number | undefined;
  /** How long a Slack profile email looked up for `sso` is reused (ms); default 1 hour. */
  readonly profileCacheTtl?: number | undefined;
}

/** The configured world: clusters and who each Slack user is in IAM. */
export interface Settings {
  readonly clusters: readonly ClusterSettings[];
  readonly users: Readonly<Record<string, UserMapping>>;
  readonly identity?: IdentitySettings | undefined;
  /** The default `requestForOthers` for clusters that set none. */
  readonly requestForOthers?: readonly string[] | undefined;
}

export function clusterNames(settings: Settings): string[] {
  return settings.clusters.flatMap((c) => [c.name, ...c.aliases]);
}

export function findCluster(settings: Settings, name: string): ClusterSettings | undefined {
  const key = name.toLowerCase();
  return settings.clusters.find((c) => c.name.toLowerCase() === key || c.aliases.some((a) => a.toLowerCase() === key));
}

/** The cluster a person named, or a refusal listing what exists and the closest name. */
export function resolveCluster(settings: Settings, given: string): ClusterSettings | Refusal {
  const found = findCluster(settings, given);
  if (found) return found;
  const available = settings.clusters.map((c) => c.name);
  const closest = closestName(given, clusterNames(settings));
  const closestCluster = closest ? findCluster(settings, closest)?.name : undefined;
  return { code: 'unknown_cluster', given, available, ...(closestCluster ? { closest: closestCluster } : {}) };
}

export function isRefusal(value: ClusterSettings | Refusal): value is Refusal {
  return 'code' in value;
}

/** The ARN `users:` lists for the person (the role, for a `{ role, session }` entry). */
export function principalOf(settings: Settings, user: PersonId): PrincipalArn | undefined {
  const mapped = settings.users[user];
  if (mapped === undefined) return undefined;
  return asPrincipalArn(typeof mapped === 'string' ? mapped : mapped.role);
}

/** The person's identity as `users:` gives it, the first of the identity sources; undefined when not listed. */
export function configuredIdentity(settings: Settings, user: PersonId): PersonIdentity | undefined {
  const mapped = settings.users[user];
  if (mapped === undefined) return undefined;
  if (typeof mapped === 'string') return { kind: 'principal', arn: asPrincipalArn(mapped), source: 'users' };
  return { kind: 'session', roleArn: asPrincipalArn(mapped.role), session: mapped.session, source: 'users' };
}

/**
 * The approval rule for a request of this kind (and, for grants, this level: `policies.<level>` overrides the
 * cluster's keys). Approvers may include user-group ids (S…); the use case adds their members before deciding.
 * Mode changes and recoveries never allow self-approval and need at least two people.
 */
export function approvalPolicyOf(cluster: ClusterSettings, kind: RequestKind = 'grant', level?: Level): ApprovalPolicy {
  if (kind !== 'grant') {
    const required = Math.max(ADMIN_ACTION_MIN_APPROVALS, cluster.requiredApprovals);
    return { approvers: cluster.approvers as readonly PersonId[], requiredApprovals: required };
  }
  const override = level ? cluster.policies?.[level] : undefined;
  return {
    approvers: (override?.approvers ?? cluster.approvers) as readonly PersonId[],
    requiredApprovals: override?.requiredApprovals ?? cluster.requiredApprovals,
    allowSelfApproval: override?.allowSelfApproval ?? cluster.allowSelfApproval ?? false,
  };
}

/** Whether this level is auto-approved on the cluster: `autoApprove.levels`, overridden by `policies.<level>.autoApprove`. */
export function autoApproveRuleOf(
  cluster: ClusterSettings,
  level: Level,
): { isAutoLevel: boolean; cap?: { count: number; periodMs: number } } {
  const override = cluster.policies?.[level]?.autoApprove;
  const isAutoLevel = override ?? cluster.autoApprove?.levels.includes(level) ?? false;
  const cap = cluster.autoApprove?.maxPerPeriod;
  return { isAutoLevel, ...(cap ? { cap: { count: cap.count, periodMs: cap.period } } : {}) };
}

/**
 * Who may file a request for someone else on this cluster: its approvers (the cluster's and, for this kind and
 * level, the policy's) and the cluster's `requestForOthers`, else the top-level one. Ids may be user groups (S…).
 */
export function requestForOthersRule(
  settings: Settings,
  cluster: ClusterSettings,
  kind: RequestKind = 'grant',
  level?: Level,
): { approvers: readonly string[]; listed: readonly string[] } {
  const approvers = [...new Set([...cluster.approvers, ...approvalPolicyOf(cluster, kind, level).approvers])];
  return { approvers, listed: cluster.requestForOthers ?? settings.requestForOthers ?? [] };
}

/** The partition every ARN the bot builds for this cluster must carry. */
export function partitionOfCluster(cluster: Pick<ClusterSettings, 'partition'>): string {
  return cluster.partition ?? 'aws';
}
