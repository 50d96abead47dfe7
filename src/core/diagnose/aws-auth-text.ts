import { findNearMisses, type NearMiss } from '../aws-auth/match.ts';
import type { YamlProblem } from '../aws-auth/types.ts';
import { ssoRole } from '../identity/sso.ts';
import { awsAuthDocument, awsAuthMatch } from './access-state.ts';
import type { Evidence } from './evidence.ts';
import { clusterMode, isCreator } from './principal.ts';

/** "line 4, column 2 of mapRoles": positions count within the key's own YAML string. */
export function where(key: string, line: number, column?: number): string {
  return `${key} line ${line}${column === undefined ? '' : `, column ${column}`}`;
}

export function yamlProblemText(key: string, problem: YamlProblem): string {
  return `${key} does not parse: ${problem.message} (${where(key, problem.line, problem.column)})`;
}

/**
 * aws-auth decides this principal's login: the mode reads it, and in API_AND_CONFIG_MAP no access entry
 * (known to be absent) takes precedence. Undefined mode (cluster unknown) counts as "maybe".
 */
export function awsAuthDecides(e: Evidence): boolean {
  const mode = clusterMode(e);
  if (mode === 'API') return false;
  if (mode === 'API_AND_CONFIG_MAP') return e.accessEntry.known && e.accessEntry.value.entry === undefined;
  // The creator of a CONFIG_MAP cluster gets in without aws-auth.
  return !(mode === 'CONFIG_MAP' && isCreator(e, e.identity.iamArn ?? e.identity.given));
}

/** A mapRoles/mapUsers item for the principal, as a person pastes it under the key. */
export function awsAuthItemLines(arn: string, list: 'mapRoles' | 'mapUsers', username: string): string {
  const field = list === 'mapRoles' ? 'rolearn' : 'userarn';
  return [`- ${field}: ${arn}`, `  username: ${username}`, '  groups:', '    - <group bound by RBAC>'].join('\n');
}

/**
 * Items meant for the principal that do not match it (session ARN, role path, wrong key or account), when
 * aws-auth decides the login and nothing in mapRoles/mapUsers matches. Empty otherwise.
 */
export function principalNearMisses(e: Evidence): NearMiss[] {
  const doc = awsAuthDocument(e);
  const principal = e.identity.iamArn ?? e.identity.given;
  if (!doc || !awsAuthDecides(e)) return [];
  const match = awsAuthMatch(e);
  if (match && match.via !== 'mapAccounts') return [];
  return findNearMisses(doc, principal).filter((miss) => miss.kind !== 'username_or_group_case');
}

export function nearMissEvidence(miss: NearMiss): string {
  return `${where(miss.list, miss.line)}: ${miss.written}`;
}

/** `rolearn: arn:…:role/aws-reserved/sso.amazonaws.com/…` (the written line carries its field name first). */
export function hasSsoPath(written: string): boolean {
  const arn = written.slice(written.indexOf(':') + 1).trim();
  const role = ssoRole(arn);
  return role.isSso && role.hasReservedPath;
}
