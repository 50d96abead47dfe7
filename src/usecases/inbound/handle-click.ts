import { asPersonId, asRequestId } from '../../core/ids.ts';
import { acknowledgeReview } from '../break-glass/break-glass.ts';
import { answerDiagnosis } from '../diagnose/answer-diagnosis.ts';
import { endFromButton } from '../end/revoke-access.ts';
import { extendGrant } from '../extend/extend-grant.ts';
import { unlinkIdentity } from '../identity/link-identity.ts';
import { moveEntries } from '../migrate/move-entries.ts';
import type { Deps } from '../ports/deps.ts';
import { cancelFromButton } from '../review/cancel-request.ts';
import { reviewRequest } from '../review/review-request.ts';
import { submitRequest } from '../submit/submit-request.ts';
import { postOnce } from '../support/post-once.ts';

export type Click =
  | {
      kind: 'migrate-entries' | 'done' | 'extend' | 'ack-review' | 'unlink';
      requestId: string;
      user: string;
      channel: string;
      /** From the App Home tab: there is no channel, answers go to the clicker's DM. */
      viewId?: string | undefined;
    }
  | {
      kind: 'review';
      requestId: string;
      decision: 'approve' | 'deny';
      user: string;
      card?: { channel: string; ts: string } | undefined;
      viewId?: string | undefined;
      reason?: string;
      confirmedCluster?: string;
    }
  | { kind: 'cancel'; requestId: string; user: string; channel: string }
  | {
      kind: 'diagnose' | 'request';
      clickId: string;
      requestId: string;
      cluster: string;
      user: string;
      channel: string;
      threadTs: string;
    };

/** A button click, stored by the web process before Slack got its answer. */
export async function handleClick(deps: Deps, input: Click): Promise<unknown> {
  const click =
    input.kind !== 'review' && input.kind !== 'diagnose' && input.kind !== 'request' && !input.channel
      ? { ...input, channel: await deps.notifier.openDm(asPersonId(input.user)) }
      : input;
  switch (click.kind) {
    case 'migrate-entries':
      return moveEntries(deps, { ...click, requestId: asRequestId(click.requestId) });
    case 'done':
      return endFromButton(deps, { ...click, requestId: asRequestId(click.requestId) });
    case 'extend':
      return extendGrant(deps, { ...click, requestId: asRequestId(click.requestId) });
    case 'ack-review':
      return acknowledgeReview(deps, { ...click, requestId: asRequestId(click.requestId) });
    case 'unlink': {
      // Only ever the clicker's own link; the button's value is not read.
      const answer = await unlinkIdentity(deps, asPersonId(click.user));
      await postOnce(
        deps,
        `click:unlink:${click.user}:${deps.clock.now()}`,
        'reply',
        { channel: click.channel },
        answer,
      );
      return { kind: 'unlinked' };
    }
    case 'review':
      return reviewRequest(deps, { ...click, requestId: asRequestId(click.requestId) });
    case 'cancel':
      return cancelFromButton(deps, { ...click, requestId: asRequestId(click.requestId) });
    case 'diagnose': {
      const outcome = await answerDiagnosis(deps, {
        user: click.user,
        clusterGiven: click.cluster,
        identity: { kind: 'none' },
        ask: {},
        conversation: { owner: `click:${click.clickId}`, channel: click.channel, threadTs: click.threadTs },
      });
      // The job's result is kept in Redis for a day: the verdict, not the evidence (aws-auth, entries, creator).
      return outcome.kind === 'diagnosed'
        ? { kind: outcome.kind, verdict: outcome.diagnosis.verdict, audience: outcome.audience }
        : outcome;
    }
    case 'request': {
      // The least privilege is the safe default for a one-click request; other levels are a sentence away.
      const user = asPersonId(click.user);
      const conversation = { channel: click.channel, threadTs: click.threadTs };
      const result = await submitRequest(deps, {
        requestId: asRequestId(click.requestId),
        requester: user,
        subject: user,
        clusterGiven: click.cluster,
        level: 'view',
        namespaces: [],
        reason: 'requested from a diagnosis',
        conversation,
      });
      if (!result.ok) await postOnce(deps, `click:${click.clickId}`, 'reply', conversation, result.message);
      return result;
    }
  }
}
