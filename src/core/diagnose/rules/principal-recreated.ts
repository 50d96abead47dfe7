import {
  associatePolicyCommand,
  createAccessEntryCommand,
  deleteAccessEntryCommand,
  updateAuthModeCommand,
} from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { isoTime } from '../format.ts';
import { clusterMode, entryPrincipal, isCreator } from '../principal.ts';

/**
 * EKS binds an access entry (and the creator's implicit admin) to the principal's unique id. A role or user
 * deleted and re-created with the same ARN after that keeps the ARN but not the id, so the old binding
 * silently matches nobody (cause 9). Seen as IAM `CreateDate` later than the entry's `createdAt`.
 */
export function principalRecreated(e: Evidence): Finding | undefined {
  if (!e.iam.known || !e.iam.value.exists || e.iam.value.createDate === undefined) return undefined;
  const createDate = e.iam.value.createDate;
  const arn = e.iam.value.arn ?? entryPrincipal(e) ?? e.identity.given;
  const entry = e.accessEntry.known ? e.accessEntry.value.entry : undefined;
  if (entry?.createdAt !== undefined && createDate > entry.createdAt) {
    const policies = e.accessEntry.known ? e.accessEntry.value.policies : [];
    const commands = [
      deleteAccessEntryCommand(e, entry.principalArn),
      createAccessEntryCommand(e, entry.principalArn),
      ...policies.map((p) => associatePolicyCommand(e, entry.principalArn, p.policyArn, p.scope)),
    ];
    return {
      rule: 'principal-recreated',
      severity: 'blocker',
      title: `${arn} was re-created after its access entry, so the entry no longer matches it`,
      evidence: [
        `IAM CreateDate of ${arn}: ${isoTime(createDate)}`,
        `Access entry ${entry.principalArn} created: ${isoTime(entry.createdAt)}`,
        "EKS binds an entry to the principal's unique id, which changes when the principal is re-created",
      ],
      fix: 'Delete the access entry and create it again, then associate the same policies again (an admin has to do this).',
      fixCommand: commands.join(' && '),
      symptom: 'unauthorized',
    };
  }
  const clusterCreated = e.clusterInfo.known ? e.clusterInfo.value.createdAt : undefined;
  if (entry || clusterCreated === undefined || clusterMode(e) !== 'CONFIG_MAP') return undefined;
  if (!isCreator(e, arn) || createDate <= clusterCreated) return undefined;
  return {
    rule: 'principal-recreated',
    severity: 'blocker',
    title: `${arn} created the cluster but was re-created since, so its implicit admin access is gone`,
    evidence: [
      `Cluster ${e.cluster.name} created: ${isoTime(clusterCreated)}`,
      `IAM CreateDate of ${arn}: ${isoTime(createDate)}`,
      "The creator's admin binding is tied to the original principal's unique id",
    ],
    fix:
      'The creator binding cannot be restored. Switch the cluster to API_AND_CONFIG_MAP (one way; aws-auth keeps working) ' +
      'and grant this principal through an access entry.',
    fixCommand: `${updateAuthModeCommand(e, 'API_AND_CONFIG_MAP')} && ${createAccessEntryCommand(e, arn)}`,
    symptom: 'unauthorized',
  };
}
