import { slowGrantNote } from '../../core/messages/request-messages.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { AdapterError } from '../../shared/errors.ts';
import type { Deps } from '../ports/deps.ts';
import { replyInThread } from '../support/request-conversation.ts';
import type { LifecycleDeps } from './flow-deps.ts';

const DEFAULT_SLOW_NOTICE_MS = 30_000;

/** One "still working" note in the thread once a grant being retried runs past the threshold since its approval. */
export async function noteIfSlow(
  deps: Pick<Deps, 'clock' | 'tuning'> & LifecycleDeps,
  request: AccessRequest,
  error: AdapterError,
): Promise<void> {
  const approvedAt = request.approvals.at(-1)?.at ?? request.updatedAt;
  if (deps.clock.now() - approvedAt < (deps.tuning.slowNoticeAfterMs ?? DEFAULT_SLOW_NOTICE_MS)) return;
  const cause = error.code === 'aws_throttled' ? 'throttled' : 'unavailable';
  try {
    await replyInThread(deps, request, 'slow', slowGrantNote(request, cause));
  } catch {
    // The note is a courtesy: a Slack failure here must not change how the grant itself is retried.
  }
}
