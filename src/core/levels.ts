/** Access levels the bot grants, weakest first. */
export const LEVELS = ['view', 'edit', 'admin', 'cluster-admin'] as const;
export type Level = (typeof LEVELS)[number];

const POLICY_NAMES: Record<Level, string> = {
  view: 'AmazonEKSViewPolicy',
  edit: 'AmazonEKSEditPolicy',
  admin: 'AmazonEKSAdminPolicy',
  'cluster-admin': 'AmazonEKSClusterAdminPolicy',
};

/** The EKS access policy ARN for a level (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html). */
export function accessPolicyArn(level: Level, partition: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${POLICY_NAMES[level]}`;
}

/** Words people use for each level, lower-case. */
export const LEVEL_SYNONYMS: Readonly<Record<string, Level>> = {
  view: 'view',
  viewer: 'view',
  read: 'view',
  reader: 'view',
  'read-only': 'view',
  readonly: 'view',
  ro: 'view',
  edit: 'edit',
  editor: 'edit',
  write: 'edit',
  writer: 'edit',
  'read-write': 'edit',
  rw: 'edit',
  admin: 'admin',
  administrator: 'admin',
  'namespace-admin': 'admin',
  'cluster-admin': 'cluster-admin',
  clusteradmin: 'cluster-admin',
  'full-admin': 'cluster-admin',
  superuser: 'cluster-admin',
};
