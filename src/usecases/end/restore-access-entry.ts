import { checkAccessEntryChange } from '../../core/aws-auth/safety.ts';
import { policyName } from '../../core/messages/current-access.ts';
import { driftNoteLine, endNoteLine, scopePhrase } from '../../core/messages/restore-notes.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, wantedScope } from '../../core/plan/access-entries.ts';
import { type EndNote, type EntryStep, planEnd } from '../../core/plan/entry-delta.ts';
import { type EntryState, entryStateOf, type PriorEntryRecord } from '../../core/plan/entry-state.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { creatorOf } from '../apply/cluster-creator.ts';
import type { Deps } from '../ports/deps.ts';
import type { AccessEntries } from '../ports/eks.ts';

export interface RestoreResult {
  /** What was given back, field by field, and what the cluster shows now. */
  evidence: string[];
  /** Fields someone else changed during the grant: reported, not touched. */
  leftForPerson: string[];
}

/**
 * Ends an access-entry grant that carries a prior record: the core plans the move from what the bot set to what the
 * prior state and the remaining grants need, and reports what someone else changed meanwhile; this only runs the
 * steps, each behind the creator-safety check, and reads the result back.
 */
export async function restoreAccessEntry(
  deps: Pick<Deps, 'diagnostics' | 'gateways'>,
  cluster: ClusterSettings,
  request: AccessRequest,
  principal: string,
  others: readonly AccessRequest[],
  prior: PriorEntryRecord,
): Promise<RestoreResult> {
  const entries = deps.gateways.forCluster(cluster).accessEntries;
  const current = await readState(entries, principal);
  const plan = planEnd({
    prior,
    ending: { policyArn: request.outcome?.policyArn ?? '', scope: wantedScope(request.namespaces) },
    remaining: others.flatMap((o) =>
      o.outcome?.method === 'aws-auth' || !o.outcome?.policyArn || o.outcome.sessionUsername !== undefined
        ? []
        : [{ policyArn: o.outcome.policyArn, scope: wantedScope(o.namespaces) }],
    ),
    current,
  });
  const creator = await creatorOf(deps, cluster);
  const refused: string[] = [];
  const skipped = new Set<string>();
  // Per-person grants on the role (issue 19) hold no policy but need the entry: it stays while one is active.
  const sessionGrants = others.filter((o) => o.outcome?.sessionUsername !== undefined).length;
  for (const step of plan.steps) {
    if (step.op === 'delete_entry' && sessionGrants > 0) {
      refused.push(`access entry \`${principal}\` kept: ${sessionGrants} per-person grant(s) on the role use it`);
      refused.push(...(await takeOwnPolicyOnly(entries, principal, request, current, prior, creator)));
      skipped.add(stepKey(step));
      continue;
    }
    const verdict = checkAccessEntryChange({
      principalArn: principal,
      op: step.op === 'delete_entry' ? 'delete' : step.op === 'create_entry' ? 'create' : step.op,
      creator,
      ...('policyArn' in step ? { policyArn: step.policyArn } : {}),
      entryPolicyArns: current.policies.map((p) => p.policyArn),
    });
    if (!verdict.ok) {
      refused.push(`left in place: ${verdict.refusal?.message ?? 'creator-safety'}`);
      skipped.add(stepKey(step));
      continue;
    }
    await run(entries, principal, step);
  }
  const after = await readState(entries, principal);
  const done = plan.notes.filter((note) => !skipped.has(noteKey(note)));
  return {
    evidence: [...done.map((n) => endNoteLine(n, principal)), ...refused, readBack(after, principal)],
    leftForPerson: plan.drift.map((d) => driftNoteLine(d, principal)),
  };
}

/**
 * The entry stays for per-person grants, but deleting it would have taken this grant's policy with it: that policy
 * alone is taken away (when the grant added it), behind the same creator-safety check.
 */
async function takeOwnPolicyOnly(
  entries: AccessEntries,
  principal: string,
  request: AccessRequest,
  current: EntryState,
  prior: PriorEntryRecord,
  creator: Awaited<ReturnType<typeof creatorOf>>,
): Promise<string[]> {
  const policyArn = request.outcome?.policyArn ?? '';
  const isOwn =
    current.policies.some((p) => p.policyArn === policyArn) && !prior.policies.some((p) => p.policyArn === policyArn);
  if (!isOwn) return [];
  const verdict = checkAccessEntryChange({ principalArn: principal, op: 'disassociate', creator, policyArn });
  if (!verdict.ok) return [`left in place: ${verdict.refusal?.message ?? 'creator-safety'}`];
  await run(entries, principal, { op: 'disassociate', policyArn });
  return [];
}

async function readState(entries: AccessEntries, principal: string): Promise<EntryState> {
  const entry = await entries.describeAccessEntry(principal);
  if (!entry) return { policies: [] };
  const policies = entry.type === 'STANDARD' ? await entries.listAssociatedPolicies(principal) : [];
  return entryStateOf({ ...entry, isBotTagged: entry.tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE }, policies);
}

async function run(entries: AccessEntries, principal: string, step: EntryStep): Promise<void> {
  switch (step.op) {
    case 'associate':
      await entries.associatePolicy(principal, step.policyArn, step.scope);
      return;
    case 'disassociate':
      await entries.disassociatePolicy(principal, step.policyArn);
      return;
    case 'delete_entry':
      await entries.deleteAccessEntry(principal);
      return;
    case 'create_entry':
      // An end never creates an entry (planEnd emits none); listed for exhaustiveness.
      return;
  }
}

/** Which field a step writes, to drop the note of a step the safety check refused. */
function stepKey(step: EntryStep): string {
  return 'policyArn' in step ? step.policyArn : 'entry';
}

function noteKey(note: EndNote): string {
  return 'policyArn' in note ? note.policyArn : 'entry';
}

function readBack(state: EntryState, principal: string): string {
  if (!state.entry) return `read back: no access entry for \`${principal}\``;
  const policies = state.policies.map((p) => `${policyName(p.policyArn)} on ${scopePhrase(p.scope)}`);
  return `read back: access entry \`${principal}\` with ${policies.length > 0 ? policies.join(', ') : 'no policies'}`;
}
