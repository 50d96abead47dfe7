import type { PersonId } from '../../core/ids.ts';
import { HOME_ITEMS_PER_LIST, homeView } from '../../core/messages/home-view.ts';
import { peopleIn } from '../../core/request/approval.ts';
import { type AccessRequest, kindOf } from '../../core/request/request.ts';
import { needsStepUp } from '../../core/request/step-up.ts';
import { approvalPolicyOf, findCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { membersOf } from '../review/approval-policy.ts';

const HOME_OWNER_PREFIX = 'home:';
/** The user's recent requests read for the Home tab (their grants and pending requests are among them). */
const RECENT_REQUESTS = 100;

/** Where the id of the user's published Home view is kept: a click from that view is a click by that user. */
export function homeOwner(user: string): string {
  return `${HOME_OWNER_PREFIX}${user}`;
}

/** Builds and publishes the user's Home tab (views.publish), and remembers the view id Slack gave it. */
export async function publishHome(
  deps: Pick<Deps, 'clock' | 'home' | 'messages' | 'settings' | 'store' | 'identityLinks'>,
  user: PersonId,
): Promise<{ viewId: string }> {
  const link = await deps.identityLinks.get(user);
  const requests = await deps.store.listForUser(user, RECENT_REQUESTS);
  const approves = deps.settings.clusters.filter((c) => approvalPolicyOf(c).approvers.includes(user));
  const waiting: AccessRequest[] = [];
  for (const cluster of approves) {
    const pending = await deps.store.pendingOn(cluster.name, HOME_ITEMS_PER_LIST + 1);
    waiting.push(
      ...pending.filter((r) => r.requester !== user && r.subject !== user && !r.approvals.some((a) => a.by === user)),
    );
  }
  const view = homeView({
    user,
    now: deps.clock.now(),
    grants: requests.filter((r) => r.status === 'granted'),
    pending: requests.filter((r) => r.status === 'pending'),
    waiting,
    isApprover: approves.length > 0,
    needsStepUp: (r) => needsStepUp(r, findCluster(deps.settings, r.cluster)?.stepUpLevels),
    ...(link ? { link } : {}),
  });
  const published = await deps.home.publish(user, view);
  if (published.viewId) await deps.messages.save(homeOwner(user), 'view', { channel: published.viewId, ts: '' });
  return published;
}

/**
 * After any change to a request, the Home tabs that show it: the requester's, the subject's and the approvers'
 * (group members included), of those who have opened theirs. Queued, not published here: the refresh is coalesced per user, and a failed publish
 * retries in its own job instead of failing (and re-running) the transition that triggered it.
 */
export async function refreshHomes(
  deps: Pick<Deps, 'messages' | 'queue' | 'settings' | 'userGroups'>,
  request: AccessRequest,
): Promise<void> {
  const cluster = findCluster(deps.settings, request.cluster);
  const approvers = cluster ? approvalPolicyOf(cluster, kindOf(request), request.level).approvers : [];
  const users = new Set<PersonId>([
    request.requester,
    request.subject,
    ...peopleIn(approvers, await membersOf(deps, approvers).catch(() => ({}))),
  ]);
  // Side by side, so the look-ups share a Redis round trip. Someone who never opened the Home tab has nothing to
  // refresh; opening it (app_home_opened) publishes it.
  await Promise.all(
    [...users].map(async (user) => {
      if (await deps.messages.get(homeOwner(user), 'view')) await deps.queue.enqueueHomeRefresh(user);
    }),
  );
}

/** True when `viewId` is the Home view last published for this user (so the click is theirs, from their Home). */
export async function isOwnHomeView(deps: Pick<Deps, 'messages'>, user: string, viewId: string): Promise<boolean> {
  if (!viewId) return false;
  const ref = await deps.messages.get(homeOwner(user), 'view');
  return ref?.channel === viewId;
}
