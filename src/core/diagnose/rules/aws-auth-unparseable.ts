import { AWS_AUTH_KEYS, type AwsAuthKey, type YamlProblem } from '../../aws-auth/types.ts';
import { awsAuthDocument } from '../access-state.ts';
import { yamlProblemText } from '../aws-auth-text.ts';
import { editAwsAuthCommand, updateAuthModeCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { clusterMode } from '../principal.ts';

const LOST: Record<AwsAuthKey, string> = {
  mapRoles:
    'every role mapping is lost, node roles included: nodes cannot join and everyone mapped by role is locked out',
  mapUsers: 'every IAM user mapping is lost: everyone mapped as a user is locked out',
  mapAccounts: 'whole-account mappings are lost',
};

/**
 * A data key that does not parse loses all its mappings at once (AIA ParseMap), while the other keys still load.
 * One key broken locks many people out, so this is `urgent` (cause 8).
 */
export function awsAuthUnparseable(e: Evidence): Finding | undefined {
  const doc = awsAuthDocument(e);
  if (!doc) return undefined;
  const failed = AWS_AUTH_KEYS.flatMap((key) => {
    const state = doc.keys[key];
    return state.status === 'failed' ? [{ key, error: state.error }] : [];
  });
  const first = failed[0];
  if (first === undefined) return undefined;
  const mode = clusterMode(e);
  const isIgnored = mode === 'API';
  const isLockout = failed.some((f) => f.key !== 'mapAccounts');
  const evidence = failed.flatMap(({ key, error }: { key: AwsAuthKey; error: YamlProblem }) => [
    yamlProblemText(key, error),
    `Effect: ${LOST[key]}`,
  ]);
  if (!isIgnored) evidence.push(`Authentication mode: ${mode ?? 'unknown'}`);
  return {
    rule: 'aws-auth-unparseable',
    severity: isIgnored ? 'info' : isLockout ? 'urgent' : 'warning',
    title: isIgnored
      ? `aws-auth ${first.key} does not parse (ignored: the cluster is in API mode)`
      : `aws-auth ${failed.map((f) => f.key).join(' and ')} does not parse: everyone mapped there is locked out`,
    evidence,
    ...recovery(e, mode, first.key, first.error),
    ...(isIgnored ? {} : { symptom: 'unauthorized' as const }),
  };
}

function recovery(
  e: Evidence,
  mode: ReturnType<typeof clusterMode>,
  key: AwsAuthKey,
  error: YamlProblem,
): Pick<Finding, 'fix' | 'fixCommand'> {
  const repair = `Repair ${key} at line ${error.line} (the line count starts inside the ${key} value) and check that nodes are Ready again.`;
  if (mode === 'CONFIG_MAP') {
    return {
      fix:
        `${repair} If nobody with access is left: switch the cluster to API_AND_CONFIG_MAP (one way; aws-auth keeps working), ` +
        'grant an admin role through an access entry, repair aws-auth with it, then check the nodes.',
      fixCommand: updateAuthModeCommand(e, 'API_AND_CONFIG_MAP'),
    };
  }
  if (mode === 'API')
    return {
      fix: `${repair} Nothing reads it in API mode, so this is cleanup only.`,
      fixCommand: editAwsAuthCommand(),
    };
  return {
    fix: `${repair} Access entries still work: someone with an admin access entry can edit it; if nobody has one, create one through the EKS API first.`,
    fixCommand: editAwsAuthCommand(),
  };
}
