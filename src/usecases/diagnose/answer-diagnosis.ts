import type { Audience } from '../../core/diagnose/audience.ts';
import { diagnose } from '../../core/diagnose/diagnose.ts';
import { diagnosisMessage } from '../../core/diagnose/diagnosis-message.ts';
import type {
  AskFacts,
  AwsAuthWriteFact,
  EndedGrantFacts,
  Evidence,
  IdentityFacts,
} from '../../core/diagnose/evidence.ts';
import type { Diagnosis, Finding } from '../../core/diagnose/finding.ts';
import { diagnosisFor } from '../../core/diagnose/redact.ts';
import { isParsedArn, parseArn } from '../../core/identity/arn.ts';
import { asPersonId } from '../../core/ids.ts';
import type { PastedIdentity } from '../../core/intent/pasted-identity.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import {
  checkingMessage,
  noIdentityMessage,
  notCallerIdentityMessage,
  whichClusterPrompt,
} from '../../core/messages/diagnosis-prompts.ts';
import { plainReply } from '../../core/messages/request-messages.ts';
import { type ClusterSettings, isRefusal, resolveCluster } from '../../core/settings.ts';
import { type ResolveIdentityDeps, resolveIdentity } from '../identity/resolve-identity.ts';
import type { Deps } from '../ports/deps.ts';
import { awsAuthVersions } from '../report/aws-auth-history.ts';
import { auditRefusal } from '../support/audit-refusal.ts';
import { postOnce } from '../support/post-once.ts';
import { recordAudit } from '../support/record-audit.ts';
import { audienceOf } from './diagnosis-audience.ts';
import { gatherEvidence } from './gather-evidence.ts';

export interface DiagnosisInput {
  user: string;
  /** The cluster as the person typed it; absent → ask which. */
  clusterGiven?: string;
  /** What the message pasted: caller-identity JSON or an ARN (`none` for a button click). */
  identity: PastedIdentity;
  /** What the message says about the failing call: a namespace, `--as`. */
  ask: AskFacts;
  conversation: { owner: string; channel: string; threadTs?: string };
}

export type DiagnosisOutcome =
  | { kind: 'asked_cluster' }
  | { kind: 'refused'; reason: string }
  /** `diagnosis` is the full one; the asker was shown what `audience` may see. */
  | { kind: 'diagnosed'; diagnosis: Diagnosis; evidence: Evidence; audience: Audience };

/**
 * "Why am I unauthorized?" in Slack: answer at once with "checking…", gather the facts in parallel,
 * then replace that message with the verdict, the evidence and the fix. The evidence names other principals'
 * access, so only the cluster's approvers and the person diagnosing their own identity see it; anyone else gets
 * the verdict and the fix for the ARN (core `diagnosisAudience`, `diagnosisFor`).
 */
export async function answerDiagnosis(
  deps: Pick<
    Deps,
    | 'audit'
    | 'auditTrail'
    | 'clock'
    | 'diagnostics'
    | 'identityLinks'
    | 'messages'
    | 'notifier'
    | 'profiles'
    | 'settings'
    | 'store'
    | 'userGroups'
  >,
  input: DiagnosisInput,
): Promise<DiagnosisOutcome> {
  const { conversation } = input;
  const reply = (key: string, message: Parameters<typeof postOnce>[4]) =>
    postOnce(deps, conversation.owner, key, conversation, message);
  if (!input.clusterGiven) {
    await reply('diagnosis', whichClusterPrompt(deps.settings.clusters.map((c) => c.name)));
    return { kind: 'asked_cluster' };
  }
  const cluster = resolveCluster(deps.settings, input.clusterGiven);
  if (isRefusal(cluster)) {
    await auditRefusal(deps, { actor: input.user, action: 'diagnose', refusal: cluster, cluster: input.clusterGiven });
    await reply('diagnosis', plainReply(describeRefusal(cluster)));
    return { kind: 'refused', reason: cluster.code };
  }
  const identity = await identityFor(deps, input, cluster);
  if ('problem' in identity) {
    await reply('diagnosis', identity.problem);
    return { kind: 'refused', reason: 'no_identity' };
  }
  const checking = await reply('diagnosis', checkingMessage(cluster.name, identity.given));
  const { lastGrantAt, endedGrant } = await ownGrants(deps, input.user, cluster.name);
  const awsAuthWrites = await awsAuthWritesFor(deps, cluster.name);
  const evidence = await gatherEvidence(deps, {
    cluster,
    identity,
    ask: input.ask,
    ...(lastGrantAt !== undefined ? { lastGrantAt } : {}),
    ...(endedGrant !== undefined ? { endedGrant } : {}),
    ...(awsAuthWrites !== undefined ? { awsAuthWrites } : {}),
  });
  const diagnosis = diagnose(evidence);
  const audience = await audienceOf(deps, cluster, asPersonId(input.user), identity);
  await deps.notifier.update(
    checking,
    diagnosisMessage(diagnosisFor(audience, diagnosis, evidence), evidence, audience),
  );
  await recordAudit(deps, {
    type: 'diagnosed',
    at: evidence.now,
    actor: input.user,
    cluster: cluster.name,
    detail: {
      verdict: diagnosis.verdict,
      findings: diagnosis.findings.map((f: Finding) => f.rule).join(','),
      audience,
    },
  });
  return { kind: 'diagnosed', diagnosis, evidence, audience };
}

/**
 * Who the person is in IAM for this cluster, through every identity source (`users:`, `identity.sso`, a link); a
 * refusal there (no email, not linked) only means no mapped identity. A session on a shared role is checked as that
 * session: its username is what the bindings must name.
 */
async function identityFor(
  deps: ResolveIdentityDeps,
  input: DiagnosisInput,
  cluster: ClusterSettings,
): Promise<Omit<IdentityFacts, 'iamArn'> | { problem: ReturnType<typeof plainReply> }> {
  const resolved = await resolveIdentity(deps, asPersonId(input.user), cluster);
  const person = resolved.ok ? resolved.identity : undefined;
  const mapped = person ? (person.kind === 'session' ? person.roleArn : person.arn) : undefined;
  const pasted = input.identity;
  const withMapped =
    mapped && person ? { mapped, person, ...(person.kind === 'session' ? { mappedSession: person.session } : {}) } : {};
  switch (pasted.kind) {
    case 'caller_identity':
      return { given: pasted.arn, source: 'caller_identity', ...withMapped };
    case 'arn':
      return { given: pasted.arn, source: 'pasted_arn', ...withMapped };
    case 'not_caller_identity':
      return { problem: notCallerIdentityMessage(pasted.reason) };
    case 'invalid_arn':
      return {
        problem: notCallerIdentityMessage(`\`${pasted.given}\` is not a valid IAM or STS ARN (${pasted.reason})`),
      };
    case 'none': {
      if (!mapped) return { problem: noIdentityMessage() };
      // A session on a shared role is checked as that session: its username is what the bindings must name.
      const given = person?.kind === 'session' ? (sessionArn(person.roleArn, person.session) ?? mapped) : mapped;
      return { given, source: 'mapped', ...withMapped };
    }
  }
}

/** `arn:aws:sts::<account>:assumed-role/<role-name>/<session>`: the ARN the session signs in as (no role path). */
function sessionArn(roleArn: string, session: string): string | undefined {
  const parsed = parseArn(roleArn);
  if (!isParsedArn(parsed) || parsed.kind !== 'role') return undefined;
  const arn = `arn:${parsed.partition}:sts::${parsed.account}:assumed-role/${parsed.name}/${session}`;
  return isParsedArn(parseArn(arn)) ? arn : undefined;
}

/**
 * When eks-access last granted this person access to the cluster (the API server caches recent denials), and the
 * grant that ended after it, if the newest grant has ended: that is why access stopped.
 */
async function ownGrants(
  deps: Pick<Deps, 'store'>,
  user: string,
  cluster: string,
): Promise<{ lastGrantAt?: number; endedGrant?: EndedGrantFacts }> {
  const requests = await deps.store.listForUser(asPersonId(user), 20);
  const mine = requests.filter((r) => r.cluster === cluster && r.subject === user && (r.kind ?? 'grant') === 'grant');
  const grants = mine.filter((r) => r.status === 'granted').map((r) => r.outcome?.verifiedAt ?? r.updatedAt);
  const lastGrantAt = grants.length > 0 ? Math.max(...grants) : undefined;
  const ended = mine
    .filter((r) => (r.status === 'expired' || r.status === 'revoked') && r.ended !== undefined && r.outcome)
    .sort((a, b) => (b.ended?.at ?? 0) - (a.ended?.at ?? 0))[0];
  const endedAt = ended?.ended?.at;
  if (!ended?.ended || endedAt === undefined || (lastGrantAt !== undefined && lastGrantAt > endedAt)) {
    return lastGrantAt !== undefined ? { lastGrantAt } : {};
  }
  const endedGrant: EndedGrantFacts = {
    requestId: ended.id,
    level: ended.level,
    reason: ended.ended.reason,
    at: endedAt,
    ...(ended.ended.by !== undefined ? { by: ended.ended.by } : {}),
    ...(ended.session !== undefined ? { session: ended.session } : {}),
  };
  return { ...(lastGrantAt !== undefined ? { lastGrantAt } : {}), endedGrant };
}

/** eks-access's own aws-auth writes on the cluster, oldest first; none when the trail cannot be read. */
async function awsAuthWritesFor(
  deps: Pick<Deps, 'auditTrail'>,
  cluster: string,
): Promise<AwsAuthWriteFact[] | undefined> {
  const events = await deps.auditTrail.recentFor(cluster, 200).catch(() => undefined);
  if (!events) return undefined;
  return awsAuthVersions([...events].reverse(), cluster).map((v) => ({
    at: v.at,
    actor: v.actor,
    ...(v.requestId !== undefined ? { requestId: v.requestId } : {}),
    before: v.data,
  }));
}
