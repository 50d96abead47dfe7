import { WHOAMI_COMMAND } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/** Access policies are not applied to impersonated requests (`--as`, `--as-group`); only RBAC counts (cause 21). */
export function impersonation(e: Evidence): Finding | undefined {
  if (e.ask.isImpersonating !== true) return undefined;
  return {
    rule: 'impersonation',
    severity: 'warning',
    title: 'kubectl impersonates another user or group (--as/--as-group), so EKS access policies do not apply',
    evidence: ['The request uses --as or --as-group'],
    fix:
      'Access policies grant only your own identity. An impersonated request is authorized by RBAC bindings for the impersonated user or groups alone ' +
      '(and you need the impersonate permission). Drop --as/--as-group, or bind RBAC to the impersonated subject.',
    fixCommand: WHOAMI_COMMAND,
    symptom: 'forbidden',
  };
}
