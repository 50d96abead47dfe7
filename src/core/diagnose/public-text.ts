import type { Finding } from './finding.ts';
import type { RuleId } from './rules/index.ts';

/**
 * The only facts a stranger's diagnosis may quote: the cluster (named in the config everyone can read), the ARN
 * they gave and IAM's spelling of it, and their own configured principal. Nothing from aws-auth, access entries,
 * policies or CloudTrail reaches these texts, because nothing else is passed in.
 */
export interface PublicFacts {
  cluster: string;
  region: string;
  /** The ARN as given. */
  given: string;
  /** The ARN an access entry would carry for it (IAM's spelling with the role path, else the given one). */
  entryArn: string;
  /** The asker's own principal from `users`, when they have one. */
  mapped?: string | undefined;
}

interface PublicText {
  title: (f: PublicFacts) => string;
  fix: (f: PublicFacts) => string;
  command?: (f: PublicFacts) => string;
}

const REQUEST = 'Request access for it (the person it belongs to asks, or an approver on their behalf).';
const EDIT_AWS_AUTH = (f: PublicFacts) =>
  `Whoever edits aws-auth on ${f.cluster} has to correct the item: aws-auth wants the role ARN without path or session.`;
const CALLER = () => 'aws sts get-caller-identity';
const WHOAMI = () => 'kubectl auth whoami';
const flags = (f: PublicFacts, flag: string) => `${flag} ${f.cluster} --region ${f.region}`;

/**
 * One wording per rule for a stranger: the cause in general terms and the fix for the ARN given. A new rule does not
 * compile until it has an entry here, so it cannot start showing its evidence to strangers by default.
 */
export const PUBLIC_TEXT: Record<RuleId, PublicText> = {
  'cluster-not-found': {
    title: (f) => `Cluster ${f.cluster} was not found in ${f.region}`,
    fix: () =>
      'Check the cluster name and Region: the bot configuration or the kubeconfig may point at another cluster.',
    command: (f) => `aws eks list-clusters --region ${f.region}`,
  },
  'cluster-not-active': {
    title: (f) => `Cluster ${f.cluster} is not ACTIVE`,
    fix: () => 'Wait until it is ACTIVE, then retry; if it stays that way, ask the cluster owners.',
    command: (f) => `aws eks wait cluster-active ${flags(f, '--name')}`,
  },
  // Fires only in `doctor` (evidence with a reader); worded for completeness, with nothing from the cluster.
  'cluster-refused-reader': {
    title: (f) => `Cluster ${f.cluster} answered 401 (Unauthorized) to the identity running the check`,
    fix: () => REQUEST,
  },
  'aws-auth-unparseable': {
    title: (f) => `aws-auth on ${f.cluster} does not parse, so the mappings in the broken part do not load`,
    fix: (f) =>
      `This affects everyone mapped there. Tell an approver of ${f.cluster}: the full diagnosis shows what to repair.`,
  },
  'unsupported-principal': {
    title: () => 'The identity given cannot be granted EKS access (it is not an IAM role, IAM user or role session)',
    fix: () => 'Run aws sts get-caller-identity with the profile kubectl uses and use an IAM role or user.',
    command: CALLER,
  },
  'principal-missing': {
    title: (f) => `IAM does not know ${f.given}`,
    fix: () => 'Check the ARN: aws sts get-caller-identity prints the identity in use.',
    command: CALLER,
  },
  'identity-mismatch': {
    title: (f) =>
      f.mapped
        ? `The ARN given is not ${f.mapped}, the identity mapped for you`
        : 'The ARN given is not the identity mapped for you',
    fix: () =>
      'kubectl must sign with the identity that has access. The kubeconfig exec args (--profile, --role-arn) and AWS_PROFILE decide which; check with aws sts get-caller-identity.',
    command: CALLER,
  },
  'creator-different-identity': {
    title: (f) => `The identity mapped for you created ${f.cluster}, and the ARN given is another one`,
    fix: () =>
      "The creator's admin access belongs to the creating identity only: use it for kubectl, or request access for the one you use now.",
    command: CALLER,
  },
  'principal-recreated': {
    title: (f) =>
      `${f.given} was re-created after its access on ${f.cluster} was set up, so that access no longer matches`,
    fix: (f) => `An approver of ${f.cluster} has to set its access up again.`,
  },
  'arn-case-mismatch': {
    title: (f) =>
      `An access entry on ${f.cluster} spells this principal with other letter case, so EKS never matches it`,
    fix: () => `The entry must carry the ARN exactly as IAM spells it. ${REQUEST}`,
    command: (f) => `aws eks create-access-entry ${flags(f, '--cluster-name')} --principal-arn ${f.entryArn}`,
  },
  'entry-for-other-spelling': {
    title: (f) => `An access entry on ${f.cluster} names this principal with another role path`,
    fix: () => `EKS matches an entry only by the exact IAM ARN, role path included. ${REQUEST}`,
  },
  'config-map-mode': {
    title: (f) =>
      `${f.cluster} accepts only aws-auth (mode CONFIG_MAP), but access here is granted through access entries`,
    fix: (f) =>
      `Nobody can be granted access on ${f.cluster} until its owners switch it to API_AND_CONFIG_MAP or configure eks-access to use aws-auth there.`,
  },
  'api-mode-ignores-aws-auth': {
    title: (f) => `${f.cluster} is in API mode, which ignores aws-auth, and ${f.entryArn} has no access entry`,
    fix: () => `Access has to come from an access entry. ${REQUEST}`,
    command: (f) => `aws eks create-access-entry ${flags(f, '--cluster-name')} --principal-arn ${f.entryArn}`,
  },
  'aws-auth-session-arn': {
    title: () => 'aws-auth names this role by a session ARN, which never matches',
    fix: EDIT_AWS_AUTH,
  },
  'aws-auth-sso-path': {
    title: () => 'aws-auth names this SSO role with its aws-reserved/sso.amazonaws.com path, which never matches',
    fix: EDIT_AWS_AUTH,
  },
  'aws-auth-role-path': {
    title: () => 'aws-auth names this role with its IAM path, which never matches',
    fix: EDIT_AWS_AUTH,
  },
  'aws-auth-near-miss': {
    title: () => 'An aws-auth item looks meant for this identity but does not match it',
    fix: (f) => `Whoever edits aws-auth on ${f.cluster} has to correct the item.`,
  },
  'aws-auth-wrong-case-key': {
    title: (f) => `aws-auth on ${f.cluster} has a data key with the wrong letter case; everything under it is ignored`,
    fix: (f) => `Tell an approver of ${f.cluster}: the items under the misspelled key belong under the correct one.`,
  },
  'aws-auth-folded-groups': {
    title: (f) => `An aws-auth item on ${f.cluster} has its group list folded into one string`,
    fix: (f) => `Tell an approver of ${f.cluster}: every "- group" line of the item must be indented the same way.`,
  },
  'username-template': {
    title: () => 'The aws-auth item that matches this identity has a username template that cannot render',
    fix: (f) => `Whoever edits aws-auth on ${f.cluster} has to give the item a username that renders for people.`,
  },
  // Who changed it names another person's ARN: a stranger learns only that the access was changed.
  'principal-changed': {
    title: (f) => `The access of ${f.entryArn} on ${f.cluster} was removed or changed recently`,
    fix: () => `An approver of the cluster sees who made the change. ${REQUEST}`,
  },
  'grant-ended': {
    title: (f) => `The eks-access grant for this identity on ${f.cluster} has ended`,
    fix: () => REQUEST,
  },
  'session-username': {
    title: (f) => `The Kubernetes username ${f.cluster} gives this session does not match its binding`,
    fix: (f) => `An approver of ${f.cluster} sees the username and the binding. ${REQUEST}`,
  },
  'rbac-unbound': {
    title: (f) => `${f.cluster} recognises this identity, but no RBAC binding names its username or groups`,
    fix: () => `kubectl answers Forbidden (403). ${REQUEST}`,
  },
  'no-access': {
    title: (f) => `${f.entryArn} is not mapped on ${f.cluster}`,
    fix: () => `Nothing on the cluster knows this identity, so every request is Unauthorized (401). ${REQUEST}`,
  },
  'entry-without-permissions': {
    title: (f) => `${f.cluster} recognises this identity, but nothing authorizes its requests`,
    fix: () => `kubectl answers Forbidden (403). ${REQUEST}`,
  },
  'map-accounts-only': {
    title: (f) => `${f.cluster} recognises this identity only through its whole account (mapAccounts), with no groups`,
    fix: () => `kubectl answers Forbidden (403). ${REQUEST}`,
  },
  'namespace-out-of-scope': {
    title: (f) => `This identity's access on ${f.cluster} does not cover the namespace asked about`,
    fix: () => 'Requests there get 403 Forbidden. Request access for that namespace.',
  },
  'entry-overrides-aws-auth': {
    title: (f) => `On ${f.cluster} this identity's access entry takes precedence over its aws-auth item`,
    fix: () =>
      'The aws-auth item is ignored while the entry exists. If the access is not enough, request what is needed.',
  },
  impersonation: {
    title: () => 'kubectl impersonates another user or group (--as/--as-group), so EKS access policies do not apply',
    fix: () => 'Drop --as/--as-group, or bind RBAC to the impersonated subject.',
    command: WHOAMI,
  },
  'recent-grant': {
    title: () => 'Access was granted moments ago: wait about 2 minutes and retry',
    fix: () => 'The API server remembers a failed login for about 2 minutes. Retry after that.',
    command: WHOAMI,
  },
  'identity-unverified': {
    title: () => 'The bot checked the identity mapped for you; it cannot see which one your kubectl uses',
    fix: () => 'Run aws sts get-caller-identity with the profile your kubeconfig uses and paste the Arn here.',
    command: CALLER,
  },
  'facts-unknown': {
    title: () => 'Some facts could not be checked',
    fix: () => 'The diagnosis leaves them out rather than guessing.',
  },
};

/** A finding from a rule this table does not know (a crashed rule reports under its id). */
const UNKNOWN_RULE: PublicText = {
  title: () => 'A check could not run',
  fix: () => 'The full diagnosis says which one and why.',
};

/** A finding rebuilt from the public wording: the rule, its severity and symptom stay; evidence never comes along. */
export function publicFinding(finding: Finding, facts: PublicFacts): Finding {
  const text = (PUBLIC_TEXT as Record<string, PublicText>)[finding.rule] ?? UNKNOWN_RULE;
  return {
    rule: finding.rule,
    severity: finding.severity,
    title: text.title(facts),
    evidence: [],
    fix: text.fix(facts),
    ...(text.command ? { fixCommand: text.command(facts) } : {}),
    ...(finding.symptom ? { symptom: finding.symptom } : {}),
  };
}
