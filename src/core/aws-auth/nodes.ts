/**
 * Entries the bot must never remove, rewrite or shadow: node, Fargate and Windows roles (without them nodes cannot join), and the
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

// Every node group contains one of these; a cheap test that lets most groups skip tokenizing (it runs per item).
// Unicode case folding, so it also matches whatever toLowerCase turns into them (the Kelvin sign lowers to 'k').
const NODE_GROUP_HINT = /system:|eks:/iu;
// `trim().toLowerCase().startsWith('system:node:')` without allocating; no non-ASCII character lowers into
// these letters.
const NODE_USERNAME = /^\s*system:node:/i;

type EntryLike = { readonly groups: readonly string[]; readonly username?: string };

/**
 * True when any group names a node group, ignoring case and surrounding text (so a folded
 * `system:bootstrappers - system:nodes` counts), or the username is a `system:node:` template.
 */
export function isNodeEntry(entry: EntryLike): boolean {
  return entry.groups.some(namesNodeGroup) || NODE_USERNAME.test(entry.username ?? '');
}

function namesNodeGroup(group: string): boolean {
  const nodeGroups: readonly string[] = NODE_GROUPS;
  return NODE_GROUP_HINT.test(group) && tokens(group).some((token) => nodeGroups.includes(token));
}

/**
 * The groups that grant admin: `system:masters` plus the groups the operator marks as admin (for example ones
 * bound to `cluster-admin`), compared ignoring case and surrounding whitespace.
 */
export function adminGroups(entry: EntryLike, extraAdminGroups: readonly string[] = []): string[] {
  const names = [MASTERS_GROUP, ...extraAdminGroups].map(normalize);
  const admin = new Set(names);
  return entry.groups.filter((group) => mayContain(group, names) && tokens(group).some((token) => admin.has(token)));
}

// A cheap necessary condition for the token test (every token is a substring of the group), which runs per item.
// Only for ASCII groups: elsewhere lower-casing depends on context (a final sigma), so a part may lower differently.
function mayContain(group: string, names: readonly string[]): boolean {
  if (!ASCII.test(group)) return true;
  const lower = group.toLowerCase();
  return names.some((name) => lower.includes(name));
}

const ASCII = /^[\x20-\x7e]*$/;

function tokens(group: string): string[] {
  return [normalize(group), ...group.split(/\s+-\s+|[\s,]+/).map(normalize)].filter((token) => token !== '');
}

function normalize(name: string): string {
  return name.trim().toLowerCase();
}
