import { parseAwsAuthLocated } from './document.ts';
import { describeProblem, documentProblem } from './document-health.ts';
import type { AwsAuthOp } from './edit.ts';
import {
  type AwsAuthChange,
  adminKept,
  creatorUntouched,
  type Failed,
  fail,
  intendedApplied,
  markTargets,
  nodesUntouched,
  noSystemMasters,
  type Outcome,
  onlyTargetsChanged,
  PASS,
  requestValid,
  type SafetyCode,
  sizeLimit,
  targetKeys,
  viewOf,
} from './safety-checks.ts';

export { type AccessEntryChange, checkAccessEntryChange } from './access-entry-safety.ts';
export {
  ADMIN_GROUPS,
  AWS_AUTH_MAX_BYTES,
  type AwsAuthChange,
  type Creator,
  type SafetyCode,
} from './safety-checks.ts';

export type SafetyCheck = { id: SafetyCheckId; label: string; passed: boolean; detail?: string };
export type SafetyRefusal = { code: SafetyCode; message: string; key?: string; line?: number };
export type SafetyVerdict = { ok: boolean; checks: SafetyCheck[]; refusal?: SafetyRefusal };

const RECOVERY =
  'Nothing was written. Repair aws-auth by hand, or switch the cluster to API_AND_CONFIG_MAP and grant through an access entry.';

export const SAFETY_CHECKS = [
  { id: 'current_parses', label: 'Current aws-auth parses without errors', code: 'aws_auth_unparseable' },
  { id: 'creator_untouched', label: 'Cluster creator not added or changed', code: 'creator_protected' },
  { id: 'nodes_untouched', label: 'Node, Fargate and Windows entries untouched', code: 'node_entry_protected' },
  { id: 'no_system_masters', label: 'Nothing granted through system:masters', code: 'system_masters' },
  { id: 'request_valid', label: 'Canonical ARNs, explicit username and groups', code: 'invalid_request' },
  { id: 'result_parses', label: 'New aws-auth parses without errors', code: 'result_unparseable' },
  { id: 'only_targets_changed', label: 'No other entry, data key or field changes', code: 'unrelated_change' },
  { id: 'intended_applied', label: 'Result holds exactly the requested change', code: 'intended_change_missing' },
  { id: 'admin_kept', label: 'An admin entry remains', code: 'last_admin' },
  { id: 'size_limit', label: 'ConfigMap stays under 900 KiB', code: 'size_limit' },
] as const satisfies readonly { id: string; label: string; code: SafetyCode }[];
export type SafetyCheckId = (typeof SAFETY_CHECKS)[number]['id'];

/**
 * The creator-safety check: a pure verdict over (before, after, creator, request) taken before any aws-auth
 * write. Every check is reported, passed or not, so the approval card can list them; the first failure (in the
 * order of SAFETY_CHECKS) is the refusal. Everything else is refused rather than guessed: a current document with
 * any error, a result that does not re-parse to exactly the intended change, anything touching node items or the
 * creator, the loss of the last admin item, a result past the size limit.
 *
 * `ops` are the ops the write carries: those `editAwsAuth` applied or found unchanged (see `opsToWrite`).
 */
export function checkAwsAuthChange(input: AwsAuthChange): SafetyVerdict {
  const before = viewOf(
    input.parsedBefore?.data === input.before ? input.parsedBefore : parseAwsAuthLocated(input.before),
  );
  const after = viewOf(parseAwsAuthLocated(input.after));
  const beforeProblem = documentProblem(before.doc);
  const afterProblem = documentProblem(after.doc);
  const targets = targetKeys(input.ops);
  markTargets(before, targets);
  markTargets(after, targets);
  const skipped = (why: string): Failed => ({
    ...fail(`not checked: the ${why} aws-auth does not parse`),
    isSkipped: true,
  });
  const unknownBefore = beforeProblem ? skipped('current') : undefined;
  const unknownAfter = afterProblem ? skipped('new') : undefined;
  const outcomes: Record<SafetyCheckId, Outcome> = {
    current_parses: beforeProblem ? { ...fail(describeProblem(beforeProblem)), problem: beforeProblem } : PASS,
    request_valid: requestValid(input.ops),
    no_system_masters: unknownAfter ?? noSystemMasters(input.ops, before, after),
    creator_untouched: unknownBefore ?? unknownAfter ?? creatorUntouched(input, before, after),
    nodes_untouched: unknownBefore ?? unknownAfter ?? nodesUntouched(before, after),
    result_parses: afterProblem ? { ...fail(describeProblem(afterProblem)), problem: afterProblem } : PASS,
    only_targets_changed: unknownBefore ?? unknownAfter ?? onlyTargetsChanged(input, before, after),
    intended_applied: unknownAfter ?? intendedApplied(input.ops, after),
    admin_kept: unknownBefore ?? unknownAfter ?? adminKept(before, after),
    size_limit: sizeLimit(input),
  };
  const checks = SAFETY_CHECKS.map(({ id, label }): SafetyCheck => {
    const outcome = outcomes[id];
    return outcome.passed ? { id, label, passed: true } : { id, label, passed: false, detail: outcome.detail };
  });
  const failed = SAFETY_CHECKS.find(({ id }) => {
    const outcome = outcomes[id];
    return !outcome.passed && outcome.isSkipped !== true;
  });
  if (failed === undefined) return { ok: true, checks };
  const outcome = outcomes[failed.id];
  if (outcome.passed) return { ok: true, checks };
  const code = outcome.code ?? failed.code;
  const refusal: SafetyRefusal =
    outcome.problem === undefined
      ? { code, message: outcome.detail }
      : {
          code,
          message: code === 'aws_auth_unparseable' ? `${outcome.detail}. ${RECOVERY}` : outcome.detail,
          key: outcome.problem.key,
          line: outcome.problem.line,
        };
  return { ok: false, checks, refusal };
}

/** The ops of a batch that a write carries: those the edit applied or found already so. */
export function opsToWrite(
  ops: readonly AwsAuthOp[],
  results: readonly { id: string; status: 'applied' | 'unchanged' | 'refused' }[],
): AwsAuthOp[] {
  const written = new Set(results.filter((r) => r.status !== 'refused').map((r) => r.id));
  return ops.filter((op) => written.has(op.id));
}
