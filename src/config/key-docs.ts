/**
 * What each config key is for, by path (`<level>` stands for view, edit, admin and cluster-admin). The reference in
 * docs/config-reference.md is generated from the schema plus this table; a key without a line here fails the docs
 * test, so a new key cannot ship undocumented.
 */
export const KEY_DOCS: Readonly<Record<string, string>> = {
  clusters: 'The EKS clusters eks-access manages: at least one.',
  'clusters[].name': 'The EKS cluster name, exactly as in EKS (letters, digits, `-`, `_`).',
  'clusters[].aliases': 'Other names people may use in Slack (`prod` for `prod-cluster`); unique across clusters.',
  'clusters[].region': 'The cluster’s AWS region, e.g. `eu-west-1`, `cn-north-1`, `us-gov-west-1`.',
  'clusters[].accountId': 'The 12-digit AWS account id, quoted (`"111122223333"`): unquoted, YAML reads a number.',
  'clusters[].roleArn':
    'An executor role to assume with STS for this cluster; without it the default credential chain.',
  'clusters[].method':
    '`access-entries` (EKS access entries), `aws-auth` (the ConfigMap), or `auto` (aws-auth while the cluster is in CONFIG_MAP mode).',
  'clusters[].approvers': 'Slack user IDs (`U…`) and user-group IDs (`S…`) who may approve requests on this cluster.',
  'clusters[].requiredApprovals': 'Distinct approvers needed; the person the grant is for never counts.',
  'clusters[].approvalChannel': 'A channel (`C…`) for the request cards; without it each approver gets a DM.',
  'clusters[].durations': 'Per level: the duration when a request names none (`default`) and the longest (`max`).',
  'clusters[].durations.<level>': 'The durations of one level.',
  'clusters[].durations.<level>.default': 'Duration when the request names none, e.g. `8h`.',
  'clusters[].durations.<level>.max': 'Longest grant; longer requests are capped to it and told so, e.g. `7d`.',
  'clusters[].pendingTimeout': 'How long a request may wait for a decision before it lapses (default `24h`).',
  'clusters[].stepUpLevels':
    'Levels whose approval needs the cluster name retyped in a modal (default `[cluster-admin]`).',
  'clusters[].allowSelfApproval':
    'If true, the requester may approve a request they filed for someone else; the person it is for never approves.',
  'clusters[].autoApprove': 'Levels approved by policy when people ask for themselves, optionally capped.',
  'clusters[].autoApprove.levels': 'The levels approved without a person.',
  'clusters[].autoApprove.maxPerPeriod': 'A cap per person who gets access; past it a person must approve.',
  'clusters[].autoApprove.maxPerPeriod.count': 'Automatic approvals per person per period (1–1000).',
  'clusters[].autoApprove.maxPerPeriod.period': 'The period of the cap, e.g. `1d`.',
  'clusters[].breakGlass': 'Who may get access at once without approval, reviewed afterwards. Nobody unless set.',
  'clusters[].breakGlass.allowed': 'Slack user IDs (`U…`) and user-group IDs (`S…`) who may break glass.',
  'clusters[].breakGlass.maxDuration': 'Longest break-glass grant (default `1h`).',
  'clusters[].requestForOthers':
    'Slack users (`U…`) and user groups (`S…`) who may request access for someone else here, besides the approvers; replaces the top-level list.',
  'clusters[].policies': 'Per-level overrides of the cluster’s approval rules.',
  'clusters[].policies.<level>': 'The approval rules of one level.',
  'clusters[].policies.<level>.approvers': 'Approvers for this level instead of the cluster’s.',
  'clusters[].policies.<level>.requiredApprovals': 'Distinct approvals this level needs.',
  'clusters[].policies.<level>.allowSelfApproval': 'As `allowSelfApproval`, for this level.',
  'clusters[].policies.<level>.autoApprove': 'Approve this level by policy (as `autoApprove.levels`).',
  users:
    'Slack user ID → the IAM role or user ARN that person uses (a session ARN is resolved to its role), or `{ role, session }` for one person’s session on a shared role (the grant binds only that session).',
  identity: 'Where people not listed in `users` are found: IAM Identity Center roles, and links.',
  'identity.sso':
    'Per account, the permission-set role people sign in with; a person is found by their Slack profile email.',
  'identity.sso[].accountId': 'The 12-digit AWS account the role is in (a cluster’s account picks its entry).',
  'identity.sso[].roleArn': 'The role’s full IAM ARN, with its `aws-reserved/sso.amazonaws.com/` path.',
  'identity.sso[].sessionName': 'The session name people sign in with: the whole email, or the part before `@`.',
  'identity.linkTtl': 'How long an identity proved with `link` holds (default `30d`).',
  'identity.profileCacheTtl': 'How long a Slack profile email looked up for `identity.sso` is reused (default `1h`).',
  requestForOthers:
    'Default for every cluster: Slack users and user groups who may request access for someone else besides the approvers.',
  audit: 'The audit trail (a Redis stream).',
  'audit.retention': 'Events older than this are trimmed by the reconciler (default `400d`).',
};

const LEVEL_SEGMENT = /\.(view|edit|admin|cluster-admin)(?=\.|$)/;

/** `clusters[].durations.view.max` → `clusters[].durations.<level>.max`. */
export function docPath(path: string): string {
  return path.replace(LEVEL_SEGMENT, '.<level>');
}
