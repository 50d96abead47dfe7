/**
 * Entries the bot must never remove, rewrite or shadow: node, Fargate and Windows roles (domain §2.5), and the
 * admin-looking ones that may belong to the cluster creator. Both checks lean towards "yes": a false positive
 * costs a refusal, a false negative can stop nodes joining or lock everyone out.
 */
export const NODE_GROUPS = [
  'system:bootstrappers',
  'system:nodes',
  'system:node-proxier',
  'eks:kube-proxy-windows',
] as const;

export const MASTERS_GROUP = 'system:masters';

type EntryLike = { readonly groups: readonly string[]; readonly username?: string };

/**
 * True when any group names a node group, ignoring case and surrounding text (so a folded
 * `system:bootstrappers - system:nodes` counts), or the username is a `system:node:` template.
 */
export function isNodeEntry(entry: EntryLike): boolean {
  const nodeGroups: readonly string[] = NODE_GROUPS;
  const namesNodeGroup = entry.groups.some((group) => tokens(group).some((token) => nodeGroups.includes(token)));
  return namesNodeGroup || (entry.username ?? '').trim().toLowerCase().startsWith('system:node:');
}

/**
 * The groups that grant admin: `system:masters` plus the groups the operator marks as admin (for example ones
 * bound to `cluster-admin`), compared ignoring case and surrounding whitespace.
 */
export function adminGroups(entry: EntryLike, extraAdminGroups: readonly string[] = []): string[] {
  const admin = new Set([MASTERS_GROUP, ...extraAdminGroups].map(normalize));
  return entry.groups.filter((group) => tokens(group).some((token) => admin.has(token)));
}

function tokens(group: string): string[] {
  return [normalize(group), ...group.split(/\s+-\s+|[\s,]+/).map(normalize)].filter((token) => token !== '');
}

function normalize(name: string): string {
  return name.trim().toLowerCase();
}
