import { parseAwsAuth } from '../aws-auth/document.ts';
import { type CallerMatch, matchCaller } from '../aws-auth/match.ts';
import type { AwsAuthDocument } from '../aws-auth/types.ts';
import { awsAuthArn } from '../identity/arn.ts';
import type { AccessEntryFacts, Evidence } from './evidence.ts';
import { listText, policyText } from './format.ts';
import {
  accessEntriesAreConsulted,
  awsAuthIsConsulted,
  awsAuthPrincipal,
  clusterMode,
  isCreator,
  parsePrincipal,
} from './principal.ts';

/** What the rules know about aws-auth: unread (and why), no ConfigMap, or the parsed document. */
export type AwsAuthState =
  | { status: 'unknown'; reason: string }
  | { status: 'absent' }
  | { status: 'read'; doc: AwsAuthDocument };

// Rules share one parse per evidence object (documents can approach 1 MiB).
const parsed = new WeakMap<object, AwsAuthDocument>();

export function awsAuthState(e: Evidence): AwsAuthState {
  if (!e.awsAuth.known) return { status: 'unknown', reason: e.awsAuth.reason };
  const facts = e.awsAuth.value;
  if (!facts.present) return { status: 'absent' };
  let doc = parsed.get(facts);
  if (doc === undefined) {
    doc = parseAwsAuth(facts.data);
    parsed.set(facts, doc);
  }
  return { status: 'read', doc };
}

export function awsAuthDocument(e: Evidence): AwsAuthDocument | undefined {
  const state = awsAuthState(e);
  return state.status === 'read' ? state.doc : undefined;
}

/** The aws-auth mapping the authenticator would give `arn` (default: the principal in use), if aws-auth was read. */
export function awsAuthMatch(e: Evidence, arn = awsAuthPrincipal(e)): CallerMatch | undefined {
  const doc = awsAuthDocument(e);
  return doc && arn ? matchCaller(doc, arn) : undefined;
}

export type Entry = NonNullable<AccessEntryFacts['entry']>;

/** How the principal in use gets into the cluster, as far as the facts tell. */
export type EffectiveAccess =
  | { kind: 'entry'; entry: Entry; policies: AccessEntryFacts['policies'] }
  | { kind: 'aws-auth'; match: CallerMatch }
  /** The creator of a CONFIG_MAP cluster: implicit admin, visible nowhere. */
  | { kind: 'creator' }
  | { kind: 'none' }
  | { kind: 'unknown'; missing: readonly string[] };

export function effectiveAccess(e: Evidence): EffectiveAccess {
  const mode = clusterMode(e);
  if (mode === undefined) return e.clusterInfo.known ? { kind: 'none' } : { kind: 'unknown', missing: ['cluster'] };
  if (accessEntriesAreConsulted(mode)) {
    if (!e.accessEntry.known) return { kind: 'unknown', missing: ['access entry'] };
    const { entry, policies } = e.accessEntry.value;
    if (entry) return { kind: 'entry', entry, policies };
    if (mode === 'API') return { kind: 'none' };
  }
  if (mode === 'CONFIG_MAP' && isCreator(e, e.identity.iamArn ?? e.identity.given)) return { kind: 'creator' };
  const state = awsAuthState(e);
  if (state.status === 'unknown') return { kind: 'unknown', missing: ['aws-auth'] };
  const match = awsAuthMatch(e);
  return match ? { kind: 'aws-auth', match } : { kind: 'none' };
}

/** Authenticated and with something that authorizes requests (policies, groups, or the creator's admin). */
export function hasPermissions(access: EffectiveAccess): boolean {
  switch (access.kind) {
    case 'entry':
      return access.policies.length > 0 || access.entry.kubernetesGroups.length > 0;
    case 'aws-auth':
      return access.match.via !== 'mapAccounts' && access.match.groups.some((g) => g.trim() !== '');
    case 'creator':
      return true;
    case 'none':
    case 'unknown':
      return false;
  }
}

/** One line saying how the access works, for the "Access should work" headline and the checks. */
export function accessSummary(access: EffectiveAccess): string {
  switch (access.kind) {
    case 'entry': {
      const policies = access.policies.map(policyText);
      const groups = access.entry.kubernetesGroups;
      return `access entry ${access.entry.principalArn} with ${listText(policies, 'no access policy')}${
        groups.length > 0 ? `, groups ${groups.join(', ')}` : ''
      }`;
    }
    case 'aws-auth':
      return access.match.via === 'mapAccounts'
        ? `aws-auth mapAccounts ${access.match.account} (no groups)`
        : `aws-auth ${access.match.via} line ${access.match.entry.line}, groups ${listText(access.match.groups)}`;
    case 'creator':
      return 'cluster creator (implicit admin on a CONFIG_MAP cluster)';
    case 'none':
      return 'not mapped';
    case 'unknown':
      return `unknown (${access.missing.join(', ')})`;
  }
}

/**
 * Evidence lines about another principal (the one mapped for the person): does it have an entry or an
 * aws-auth item on this cluster? `hasAccess` is undefined when the facts cannot tell.
 */
export function mappedPrincipalAccess(e: Evidence, arn: string): { lines: string[]; hasAccess: boolean | undefined } {
  const mode = clusterMode(e);
  const lines: string[] = [];
  let hasAccess: boolean | undefined;
  if (accessEntriesAreConsulted(mode) && e.accessEntry.known) {
    const has = e.accessEntry.value.allPrincipalArns.includes(arn);
    lines.push(
      has ? `${arn} has an access entry on ${e.cluster.name}` : `${arn} has no access entry on ${e.cluster.name}`,
    );
    hasAccess = has;
  }
  if (awsAuthIsConsulted(mode) && !hasAccess) {
    const doc = awsAuthDocument(e);
    const parsedArn = parsePrincipal(arn);
    const spelling = parsedArn ? awsAuthArn(parsedArn) : undefined;
    const match = doc && spelling ? matchCaller(doc, spelling) : undefined;
    if (match && match.via !== 'mapAccounts') {
      lines.push(`aws-auth ${match.via} line ${match.entry.line} maps ${arn}`);
      hasAccess = true;
    } else if (mode === 'CONFIG_MAP' && isCreator(e, arn)) {
      lines.push(`${arn} created the cluster (implicit admin)`);
      hasAccess = true;
    } else if (doc || awsAuthState(e).status === 'absent') {
      lines.push(`aws-auth has no item for ${arn}`);
      hasAccess = hasAccess ?? false;
    } else {
      hasAccess = undefined;
    }
  }
  return { lines, hasAccess };
}
