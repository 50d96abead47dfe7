import { associatePolicyCommand, isNamespaceName } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { listText, policyText } from '../format.ts';
import { scopeIncludes } from '../scope.ts';

/** The entry's policies are all namespace-scoped and none covers the namespace asked about: 403 there. */
export function namespaceOutOfScope(e: Evidence): Finding | undefined {
  const namespace = e.ask.namespace;
  if (namespace === undefined || !e.accessEntry.known) return undefined;
  const { entry, policies } = e.accessEntry.value;
  if (!entry || policies.length === 0) return undefined;
  if (policies.some((policy) => scopeIncludes(policy.scope, namespace))) return undefined;
  const hasGroups = entry.kubernetesGroups.length > 0;
  const first = policies[0];
  const widened =
    first && first.scope.type === 'namespace' && isNamespaceName(namespace)
      ? associatePolicyCommand(e, entry.principalArn, first.policyArn, {
          type: 'namespace',
          namespaces: [...first.scope.namespaces, namespace],
        })
      : undefined;
  return {
    rule: 'namespace-out-of-scope',
    severity: hasGroups ? 'warning' : 'blocker',
    title: `No access policy of ${entry.principalArn} covers namespace ${namespace}`,
    evidence: [
      `Associated access policies: ${policies.map(policyText).join('; ')}`,
      `Namespace asked about: ${namespace}`,
      hasGroups
        ? `Kubernetes groups ${listText(entry.kubernetesGroups)} may still be bound by RBAC in ${namespace}`
        : 'Kubernetes groups: none',
    ],
    fix:
      `Requests in ${namespace} get 403 Forbidden. Request access for namespace ${namespace}. ` +
      'Associating a policy again replaces its scope, so the command lists the existing namespaces too.',
    ...(widened ? { fixCommand: widened } : {}),
    isGrantFix: true,
    symptom: 'forbidden',
  };
}
