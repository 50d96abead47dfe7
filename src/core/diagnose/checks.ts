import { awsAuthMatch, awsAuthState } from './access-state.ts';
import { yamlProblemText } from './aws-auth-text.ts';
import { creatorText } from './creator-text.ts';
import type { Evidence } from './evidence.ts';
import type { Check, Finding } from './finding.ts';
import { count, isoTime, listText, policyText } from './format.ts';
import { BUILT_IN_ADMIN_GROUP, bindingsNaming, kubernetesUser } from './kubernetes-user.ts';
import {
  accessEntriesAreConsulted,
  awsAuthIsConsulted,
  clusterMode,
  samePrincipalIgnoringRolePath,
} from './principal.ts';

/** What was checked, as ✓ / ✗ / ? lines. Checks that do not apply to the cluster's mode are left out. */
export function computeChecks(e: Evidence, findings: readonly Finding[]): Check[] {
  const has = (rule: string) => findings.find((f) => f.rule === rule);
  const mode = clusterMode(e);
  const checks: Check[] = [clusterCheck(e), modeCheck(e, has), identityCheck(e, has), iamCheck(e, has)];
  if (mode === undefined || accessEntriesAreConsulted(mode)) checks.push(...entryChecks(e, has));
  if (mode === undefined || awsAuthIsConsulted(mode)) checks.push(...awsAuthChecks(e, findings));
  const rbac = rbacCheck(e);
  if (rbac) checks.push(rbac);
  checks.push(creatorCheck(e));
  return checks;
}

/** Whether a RoleBinding or ClusterRoleBinding names the mapped username or a group, where RBAC must authorize. */
function rbacCheck(e: Evidence): Check | undefined {
  const label = 'RBAC binds the username or a group';
  const user = kubernetesUser(e);
  if (!user?.needsRbac || e.rbac === undefined) return undefined;
  if (!e.rbac.known) return { label, result: 'unknown', detail: e.rbac.reason };
  if (user.groups.includes(BUILT_IN_ADMIN_GROUP))
    return { label, result: 'pass', detail: `${BUILT_IN_ADMIN_GROUP} (built in)` };
  const { bindings } = e.rbac.value;
  const named = [
    ...(user.username !== undefined
      ? bindingsNaming(bindings, 'User', user.username).map((b) => `${b.name} (user)`)
      : []),
    ...user.groups.flatMap((g) => bindingsNaming(bindings, 'Group', g).map((b) => `${b.name} (group ${g})`)),
  ];
  return named.length > 0
    ? { label, result: 'pass', detail: listText(named) }
    : {
        label,
        result: 'fail',
        detail: `nothing names ${user.username ?? user.template}${user.groups.length > 0 ? ` or ${user.groups.join(', ')}` : ''}`,
      };
}

type Has = (rule: string) => Finding | undefined;

function clusterCheck(e: Evidence): Check {
  const label = 'Cluster found and ACTIVE';
  if (!e.clusterInfo.known) return { label, result: 'unknown', detail: e.clusterInfo.reason };
  const info = e.clusterInfo.value;
  if (!info.found) return { label, result: 'fail', detail: `not found in ${e.cluster.region}` };
  const status = info.status ?? 'status not reported';
  return { label, result: info.status === 'ACTIVE' ? 'pass' : 'fail', detail: status };
}

function modeCheck(e: Evidence, has: Has): Check {
  const label = 'Authentication mode';
  const mode = clusterMode(e);
  if (mode === undefined) return { label, result: 'unknown', detail: 'the cluster was not described' };
  const conflict = has('config-map-mode') ?? has('api-mode-ignores-aws-auth');
  return { label, result: conflict ? 'fail' : 'pass', detail: conflict ? `${mode}: ${conflict.title}` : mode };
}

function identityCheck(e: Evidence, has: Has): Check {
  const label = 'Identity parsed and matches the mapped one';
  const problem = has('unsupported-principal') ?? has('identity-mismatch');
  if (problem) return { label, result: 'fail', detail: problem.title };
  const { given, mapped, source } = e.identity;
  if (source === 'mapped') {
    return { label, result: 'unknown', detail: `checked ${given} (mapped); the identity kubectl uses was not given` };
  }
  return { label, result: 'pass', detail: mapped ? `${given} (= ${mapped})` : given };
}

function iamCheck(e: Evidence, has: Has): Check {
  const label = 'IAM principal exists';
  if (!e.iam.known) return { label, result: 'unknown', detail: e.iam.reason };
  if (!e.iam.value.exists) return { label, result: 'fail', detail: has('principal-missing')?.title ?? 'NoSuchEntity' };
  const recreated = has('principal-recreated');
  if (recreated) return { label, result: 'fail', detail: recreated.title };
  const { arn, createDate } = e.iam.value;
  const detail = [arn, createDate === undefined ? undefined : `created ${isoTime(createDate)}`].filter(Boolean);
  return { label, result: 'pass', ...(detail.length > 0 ? { detail: detail.join(', ') } : {}) };
}

function entryChecks(e: Evidence, has: Has): Check[] {
  const label = 'Access entry exists';
  if (!e.accessEntry.known) return [{ label, result: 'unknown', detail: e.accessEntry.reason }];
  const { entry, policies, lookedUp } = e.accessEntry.value;
  if (!entry) return [{ label, result: 'fail', detail: `none for ${lookedUp}` }];
  const policyLabel = 'Access policy associated (and scope)';
  const groups = entry.kubernetesGroups;
  const outOfScope = has('namespace-out-of-scope');
  const policyCheck: Check =
    policies.length > 0
      ? {
          label: policyLabel,
          result: outOfScope ? 'fail' : 'pass',
          detail: `${policies.map(policyText).join('; ')}${outOfScope ? ` (not ${e.ask.namespace ?? ''})` : ''}`,
        }
      : groups.length > 0
        ? { label: policyLabel, result: 'pass', detail: `no policy; Kubernetes groups ${groups.join(', ')} (RBAC)` }
        : { label: policyLabel, result: 'fail', detail: 'no access policy and no Kubernetes groups' };
  return [{ label, result: 'pass', detail: `${entry.principalArn} (${entry.type})` }, policyCheck];
}

function awsAuthChecks(e: Evidence, findings: readonly Finding[]): Check[] {
  const parses = 'aws-auth parses';
  const maps = 'aws-auth maps the principal';
  const state = awsAuthState(e);
  if (state.status === 'unknown') {
    return [
      { label: parses, result: 'unknown', detail: state.reason },
      { label: maps, result: 'unknown', detail: state.reason },
    ];
  }
  if (state.status === 'absent') {
    return [
      { label: parses, result: 'pass', detail: 'no aws-auth ConfigMap (no mappings)' },
      { label: maps, result: 'fail', detail: 'no aws-auth ConfigMap' },
    ];
  }
  const { doc } = state;
  const problems = [
    ...(['mapRoles', 'mapUsers', 'mapAccounts'] as const).flatMap((key) => {
      const keyState = doc.keys[key];
      return keyState.status === 'failed' ? [yamlProblemText(key, keyState.error)] : [];
    }),
    ...doc.wrongCaseKeys.map((k) => `"${k.key}" is ignored (should be "${k.intended}")`),
    ...findings.filter((f) => f.rule === 'aws-auth-folded-groups').map((f) => f.title),
  ];
  const parseCheck: Check =
    problems.length > 0
      ? { label: parses, result: 'fail', detail: problems.join('; ') }
      : {
          label: parses,
          result: 'pass',
          detail: `${count(doc.mapRoles.length, 'role item')}, ${count(doc.mapUsers.length, 'user item')}`,
        };
  const match = awsAuthMatch(e);
  const failedKeys = (['mapRoles', 'mapUsers'] as const).filter((key) => doc.keys[key].status === 'failed');
  const hasEntry =
    clusterMode(e) === 'API_AND_CONFIG_MAP' && e.accessEntry.known && e.accessEntry.value.entry !== undefined;
  // With an access entry, aws-auth is not consulted for this principal: a missing item is no failure.
  if (hasEntry && match === undefined) return [parseCheck];
  const ignored = hasEntry ? ' (ignored: the access entry wins)' : '';
  const mapCheck: Check =
    match === undefined
      ? {
          label: maps,
          result: 'fail',
          detail:
            failedKeys.length > 0 ? `no item matches (${failedKeys.join(' and ')} did not load)` : 'no item matches',
        }
      : match.via === 'mapAccounts'
        ? { label: maps, result: 'fail', detail: `only through mapAccounts ${match.account} (no groups)` }
        : {
            label: maps,
            result: 'pass',
            detail: `${match.via} line ${match.entry.line}: username ${match.username || '(none)'}, groups ${listText(match.groups)}${ignored}`,
          };
  return [parseCheck, mapCheck];
}

/** The creator check names the creator's ARN and CloudTrail event: a stranger's diagnosis leaves it out. */
export const CREATOR_CHECK_LABEL = 'Cluster creator';

function creatorCheck(e: Evidence): Check {
  const label = CREATOR_CHECK_LABEL;
  if (!e.creator.known) return { label, result: 'unknown', detail: e.creator.reason };
  const creator = e.creator.value;
  if (creator.arn === undefined) return { label, result: 'unknown', detail: creator.note ?? 'not determined' };
  const isYou = samePrincipalIgnoringRolePath(creator.arn, e.identity.iamArn ?? e.identity.given);
  return { label, result: 'pass', detail: `${creatorText(creator)}${isYou ? '; that is the identity checked' : ''}` };
}
