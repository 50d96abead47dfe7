import { type AwsAuthOp, editAwsAuth } from '../aws-auth/edit.ts';
import { type Creator, checkAwsAuthChange, type SafetyCheck, type SafetyRefusal } from '../aws-auth/safety.ts';
import { restoreOps } from './aws-auth-restore.ts';

/**
 * One request's change to aws-auth, as queued for the cluster's single writer (JSON-serialisable): ops to apply,
 * or a whole earlier version to restore (judged by the same safety check, against the ops it amounts to).
 */
export type AwsAuthEdit =
  | { ops: readonly AwsAuthOp[]; creator: Creator }
  | { restore: Record<string, string>; creator: Creator };

export interface AwsAuthEditResult {
  status: 'applied' | 'unchanged' | 'refused';
  refusal?: SafetyRefusal;
  checks: readonly SafetyCheck[];
}

/**
 * Folds every pending edit of a batch into one new aws-auth, in order. Each edit passes the creator-safety
 * check against the document as the previous edits left it; a refused edit is skipped and changes nothing, so
 * one bad request never blocks the others. `data: undefined` means there is nothing to write.
 */
export function foldAwsAuthEdits(
  data: Readonly<Record<string, string>> | undefined,
  edits: readonly { id: string; edit: AwsAuthEdit }[],
): { data: Record<string, string> | undefined; results: Record<string, AwsAuthEditResult> } {
  let current: Readonly<Record<string, string>> = data ?? {};
  let isChanged = false;
  const results: Record<string, AwsAuthEditResult> = {};
  for (const { id, edit } of edits) {
    if ('restore' in edit) {
      const ops = restoreOps(current, edit.restore);
      const verdict = checkAwsAuthChange({ before: current, after: edit.restore, ops, creator: edit.creator });
      if (!verdict.ok) {
        results[id] = {
          status: 'refused',
          ...(verdict.refusal ? { refusal: verdict.refusal } : {}),
          checks: verdict.checks,
        };
        continue;
      }
      results[id] = { status: ops.length > 0 ? 'applied' : 'unchanged', checks: verdict.checks };
      if (ops.length > 0) {
        current = edit.restore;
        isChanged = true;
      }
      continue;
    }
    const outcome = editAwsAuth(current, edit.ops);
    const verdict = checkAwsAuthChange({ before: current, after: outcome.data, ops: edit.ops, creator: edit.creator });
    const refusedOp = outcome.results.find((r) => r.status === 'refused');
    if (!verdict.ok || refusedOp) {
      const refusal: SafetyRefusal =
        verdict.refusal ??
        (refusedOp && refusedOp.status === 'refused'
          ? {
              code: refusedOp.code === 'item_changed' ? 'item_changed' : 'invalid_request',
              message: refusedOp.reason,
              ...(refusedOp.line ? { line: refusedOp.line } : {}),
            }
          : { code: 'invalid_request', message: 'refused' });
      results[id] = { status: 'refused', refusal, checks: verdict.checks };
      continue;
    }
    results[id] = { status: outcome.changed ? 'applied' : 'unchanged', checks: verdict.checks };
    if (outcome.changed) {
      current = outcome.data;
      isChanged = true;
    }
  }
  return { data: isChanged ? { ...current } : undefined, results };
}
