/**
 * `/state`: what the sandbox's clusters hold right now, read straight from the fakes, so a grant can be seen landing
 * (or an expiry or revoke removing it): each cluster's mode, its access entries with their policies, and aws-auth.
 */
import type { SandboxWorld } from './sandbox-world.ts';

const POLICY_PREFIX = 'arn:aws:eks::aws:cluster-access-policy/';

export function describeState(world: SandboxWorld, clusters: readonly string[]): string[] {
  return clusters.flatMap((name) => clusterState(world, name));
}

function clusterState(world: SandboxWorld, name: string): string[] {
  const cluster = world.eks.cluster(name);
  if (!cluster) return [`${name}: not in the sandbox`];
  const lines = [`${name} (authentication mode ${cluster.authenticationMode ?? 'CONFIG_MAP'})`];
  if (cluster.authenticationMode === 'CONFIG_MAP') {
    lines.push('  access entries: none (CONFIG_MAP mode: only aws-auth counts)');
  } else {
    const entries = world.eks.entries(name);
    lines.push(`  access entries (${entries.length}):`);
    for (const entry of entries) {
      const policies = entry.policies.map((p) => {
        const scope = p.accessScope.type === 'namespace' ? ` in ${p.accessScope.namespaces.join(', ')}` : '';
        return `${p.policyArn.replace(POLICY_PREFIX, '')}${scope}`;
      });
      const owner = entry.tags['eks-access/managed-by']
        ? ` [eks-access, ${entry.tags['eks-access/request'] ?? ''}]`
        : '';
      lines.push(`    ${entry.principalArn}: ${policies.join('; ') || 'no policy'}${owner}`);
    }
  }
  const awsAuth = world.kube[name]?.configMap('kube-system', 'aws-auth');
  if (!awsAuth) return [...lines, '  aws-auth: none'];
  lines.push(`  aws-auth (kube-system, resourceVersion ${awsAuth.resourceVersion}):`);
  for (const [key, value] of Object.entries(awsAuth.data ?? {})) {
    lines.push(
      `    ${key}: |`,
      ...value
        .trimEnd()
        .split('\n')
        .map((line) => `      ${line}`),
    );
  }
  return lines;
}
