import { switchIdentityFlags, updateKubeconfigCommand } from '../commands.ts';
import { creatorText } from '../creator-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { clusterMode, identitySourceText, samePrincipalIgnoringRolePath } from '../principal.ts';

/**
 * The classic "Unauthorized" story: the person created the cluster (and so has admin as the creator) but
 * kubectl now signs with another identity. Compares the creator with the mapped principal and the identity in use.
 */
export function creatorDifferentIdentity(e: Evidence): Finding | undefined {
  if (!e.creator.known) return undefined;
  const creator = e.creator.value;
  const creatorArn = creator.arn;
  if (creatorArn === undefined) return undefined;
  const { given, mapped, source, iamArn } = e.identity;
  if (mapped === undefined || !samePrincipalIgnoringRolePath(creatorArn, mapped)) return undefined;
  const isUnverified = source === 'mapped';
  if (!isUnverified && samePrincipalIgnoringRolePath(creatorArn, iamArn ?? given)) return undefined;
  const evidence = [`Cluster ${e.cluster.name} was created by ${creatorText(creator)}`, `Mapped for you: ${mapped}`];
  if (!isUnverified) evidence.push(`Identity in use: ${given} (${identitySourceText(e)})`);
  const bootstrap = e.clusterInfo.known ? e.clusterInfo.value.bootstrapClusterCreatorAdminPermissions : undefined;
  if (bootstrap === false && clusterMode(e) !== 'CONFIG_MAP') {
    evidence.push('bootstrapClusterCreatorAdminPermissions is false: the creator got no access entry');
  }
  return {
    rule: 'creator-different-identity',
    severity: isUnverified ? 'info' : 'warning',
    title: isUnverified
      ? `You created ${e.cluster.name} as ${creatorArn}: an Unauthorized error means kubectl uses another identity`
      : `You created ${e.cluster.name} as ${creatorArn}, but kubectl now uses ${given}`,
    evidence,
    fix:
      `The creator's admin access belongs to ${creatorArn} only. Use that identity for kubectl ` +
      '(check with aws sts get-caller-identity), or request access for the identity you use now.',
    fixCommand: updateKubeconfigCommand(e, switchIdentityFlags(creatorArn)),
    ...(isUnverified ? {} : { symptom: 'unauthorized' as const }),
  };
}
