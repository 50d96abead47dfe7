import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { clusterMode, entryPrincipal, principalName } from '../principal.ts';

interface Unknown {
  what: string;
  reason: string;
  command: string;
}

/**
 * Facts the adapters could not gather are reported, never guessed: one info finding naming each fact that
 * matters for this cluster's mode and why it is missing, with the command to check it by hand.
 */
export function factsUnknown(e: Evidence): Finding | undefined {
  const unknowns = collect(e);
  const first = unknowns[0];
  if (first === undefined) return undefined;
  return {
    rule: 'facts-unknown',
    severity: 'info',
    title: `Not checked: ${unknowns.map((u) => u.what).join(', ')}`,
    evidence: unknowns.map((u) => `${u.what}: ${u.reason}`),
    fix: 'The diagnosis leaves these facts out rather than guessing. Check them by hand, or give the bot the permission it lacked.',
    fixCommand: first.command,
  };
}

function collect(e: Evidence): Unknown[] {
  const { name, region } = e.cluster;
  const mode = clusterMode(e);
  const principal = entryPrincipal(e) ?? e.identity.given;
  const iamName = principalName(principal);
  const unknowns: Unknown[] = [];
  if (!e.clusterInfo.known) {
    unknowns.push({
      what: 'cluster',
      reason: e.clusterInfo.reason,
      command: `aws eks describe-cluster --name ${name} --region ${region}`,
    });
  }
  if (!e.accessEntry.known && mode !== 'CONFIG_MAP') {
    unknowns.push({
      what: 'access entry',
      reason: e.accessEntry.reason,
      command: `aws eks describe-access-entry --cluster-name ${name} --region ${region} --principal-arn ${principal}`,
    });
  }
  if (!e.awsAuth.known && mode !== 'API') {
    unknowns.push({
      what: 'aws-auth',
      reason: e.awsAuth.reason,
      command: 'kubectl get configmap aws-auth -n kube-system -o yaml',
    });
  }
  if (!e.iam.known) {
    unknowns.push({
      what: 'IAM principal',
      reason: e.iam.reason,
      command:
        iamName?.kind === 'user'
          ? `aws iam get-user --user-name ${iamName.name}`
          : `aws iam get-role --role-name ${iamName?.name ?? '<role-name>'}`,
    });
  }
  if (!e.creator.known) {
    unknowns.push({
      what: 'cluster creator',
      reason: e.creator.reason,
      command: `aws cloudtrail lookup-events --region ${region} --lookup-attributes AttributeKey=EventName,AttributeValue=CreateCluster`,
    });
  }
  if (e.rbac && !e.rbac.known) {
    unknowns.push({
      what: 'RBAC bindings',
      reason: e.rbac.reason,
      command: 'kubectl get clusterrolebindings,rolebindings -A -o wide',
    });
  }
  if (e.accessChanges && !e.accessChanges.known && mode !== 'CONFIG_MAP') {
    unknowns.push({
      what: 'who changed the access entry (CloudTrail)',
      reason: e.accessChanges.reason,
      command: `aws cloudtrail lookup-events --region ${region} --lookup-attributes AttributeKey=EventName,AttributeValue=DeleteAccessEntry`,
    });
  }
  return unknowns;
}
