import { updateByCompareAndSet } from '../../../src/adapters/store/update-by-compare-and-set.ts';
import { asChannelId, type PersonId, type RequestId } from '../../../src/core/ids.ts';
import type { Message } from '../../../src/core/messages/message.ts';
import type { AccessScope, AssociatedPolicy } from '../../../src/core/plan/access-entries.ts';
import type { AccessRequest } from '../../../src/core/request/request.ts';
import type { Settings } from '../../../src/core/settings.ts';
import type { AuditEvent } from '../../../src/usecases/ports/audit.ts';
import type { MessageRef } from '../../../src/usecases/ports/chat.ts';
import type { Deps } from '../../../src/usecases/ports/deps.ts';
import type { AccessEntries, AccessEntryInfo, ClusterInfo } from '../../../src/usecases/ports/eks.ts';
import type { LinkedIdentity, PersonProfile } from '../../../src/usecases/ports/identity.ts';
import type { DigestItem } from '../../../src/usecases/ports/requests.ts';
import { refreshCardsNow } from '../../../src/usecases/support/request-conversation.ts';

/** In-memory ports for use-case unit tests: no sockets, no timers, a fixed clock. */
export interface InMemoryWorld {
  deps: Deps;
  requests: Map<string, AccessRequest>;
  posts: { target: { channel: string; threadTs?: string }; message: Message; ts: string }[];
  updates: { ref: MessageRef; message: Message }[];
  ephemerals: { user: string; message: Message }[];
  homes: { user: string; view: Message }[];
  /** Home-tab refreshes queued after changes (the worker publishes them). */
  homeRefreshes: PersonId[];
  enqueued: RequestId[];
  audit: AuditEvent[];
  entries: Map<string, AccessEntryInfo>;
  policies: Map<string, AssociatedPolicy[]>;
  cluster: ClusterInfo;
  /** What a describe that accepts an age answers without a call (the adapter's cache); unset: it calls. */
  clusterCache: { answer?: ClusterInfo };
  awsCalls: string[];
  /** Throw this from the next AWS call with the given name. */
  failNext: Map<string, Error>;
  /** Delayed jobs scheduled for pending requests: lapses and approver reminders. */
  timers: { kind: 'lapse' | 'approver-reminder'; id: RequestId; n?: number; at: number }[];
  /** Slack user groups the tests seed: group id → member ids. */
  groups: Record<string, PersonId[]>;
  autoApproved: Map<string, { id: string; at: number }[]>;
  reviewReminders: { id: RequestId; at: number; round: number }[];
  digests: Map<string, DigestItem[]>;
  digestJobs: { channel: string; window: number; at: number }[];
  /** The cluster's aws-auth `data` as the Kubernetes API would return it; unset: no ConfigMap. */
  awsAuth: { data?: Record<string, string> };
  /** What the chat answers for a person's profile (`identity.sso`); absent: no such person. */
  profiles: Map<string, PersonProfile>;
  /** Identities proved with `link`, by person. */
  links: Map<string, LinkedIdentity>;
  /** Token digests `link` has claimed. */
  usedTokens: Set<string>;
  /** The store's rotation positions (readCursor/writeCursor). */
  cursors: Map<string, number>;
}

async function unsupported(): Promise<never> {
  throw new Error('not part of the in-memory world');
}

export function inMemoryWorld(settings: Settings, now = 1_700_000_000_000): InMemoryWorld {
  const requests = new Map<string, AccessRequest>();
  const messages = new Map<string, MessageRef>();
  const world: Omit<InMemoryWorld, 'deps'> = {
    requests,
    posts: [],
    updates: [],
    ephemerals: [],
    homes: [],
    homeRefreshes: [],
    enqueued: [],
    audit: [],
    entries: new Map(),
    policies: new Map(),
    cluster: { name: 'prod-cluster', status: 'ACTIVE', authenticationMode: 'API_AND_CONFIG_MAP' },
    clusterCache: {},
    awsCalls: [],
    failNext: new Map(),
    timers: [],
    groups: {},
    autoApproved: new Map(),
    reviewReminders: [],
    digests: new Map(),
    digestJobs: [],
    awsAuth: {},
    profiles: new Map(),
    links: new Map(),
    usedTokens: new Set(),
    cursors: new Map(),
  };
  const aws = <T>(name: string, fn: () => T): T => {
    world.awsCalls.push(name);
    const error = world.failNext.get(name);
    if (error) {
      world.failNext.delete(name);
      throw error;
    }
    return fn();
  };
  const accessEntries: AccessEntries = {
    describeCluster: async (options = {}) =>
      (options.maxAgeMs ?? 0) > 0 && world.clusterCache.answer
        ? world.clusterCache.answer
        : aws('DescribeCluster', () => world.cluster),
    describeAccessEntry: async (arn) => aws('DescribeAccessEntry', () => world.entries.get(arn)),
    createAccessEntry: async ({ principalArn, tags, username, kubernetesGroups }) =>
      aws('CreateAccessEntry', () => {
        const existing = world.entries.get(principalArn);
        if (existing) return { created: false, entry: existing };
        const entry = {
          principalArn,
          type: 'STANDARD',
          kubernetesGroups: [...(kubernetesGroups ?? [])],
          tags,
          ...(username ? { username } : {}),
        };
        world.entries.set(principalArn, entry);
        return { created: true, entry };
      }),
    listPrincipals: async () => aws('ListAccessEntries', () => [...world.entries.keys()]),
    listPrincipalsWithPolicy: async (policyArn) =>
      aws('ListAccessEntries', () =>
        [...world.entries.keys()].filter((arn) =>
          (world.policies.get(arn) ?? []).some((p) => p.policyArn === policyArn),
        ),
      ),
    listAssociatedPolicies: async (arn) => aws('ListAssociatedAccessPolicies', () => world.policies.get(arn) ?? []),
    updateAuthenticationMode: async (mode) =>
      aws('UpdateClusterConfig', () => {
        world.cluster = { ...world.cluster, authenticationMode: mode };
        return { updateId: 'update-1' };
      }),
    deleteAccessEntry: async (arn) => aws('DeleteAccessEntry', () => world.entries.delete(arn)),
    disassociatePolicy: async (arn, policyArn) =>
      aws('DisassociateAccessPolicy', () => {
        const before = world.policies.get(arn) ?? [];
        world.policies.set(
          arn,
          before.filter((p) => p.policyArn !== policyArn),
        );
        return before.length !== (world.policies.get(arn) ?? []).length;
      }),
    describeUpdate: async () => aws('DescribeUpdate', () => ({ status: 'Successful', errors: [] })),
    associatePolicy: async (arn: string, policyArn: string, scope: AccessScope) =>
      aws('AssociateAccessPolicy', () => {
        const others = (world.policies.get(arn) ?? []).filter((p) => p.policyArn !== policyArn);
        world.policies.set(arn, [...others, { policyArn, scope }]);
      }),
  };
  let ts = 0;
  const deps: Deps = {
    settings,
    clock: { now: () => now },
    store: {
      get: async (id) => requests.get(id),
      create: async (request) => {
        if (requests.has(request.id)) return false;
        requests.set(request.id, request);
        return true;
      },
      // The store's own update loop over a map: the request and its audit event land together, as in Redis.
      update: (id, decide) =>
        updateByCompareAndSet(
          {
            get: async (key) => requests.get(key),
            compareAndSet: async (next, expectedVersion, event) => {
              if (requests.get(next.id)?.version !== expectedVersion) return false;
              requests.set(next.id, next);
              if (event) world.audit.push(event);
              return true;
            },
          },
          id,
          decide,
        ),
      markActive: async () => {},
      markEnded: async () => {},
      dueBefore: async () => [],
      // Granted requests stand in for the active index (markActive is a no-op here).
      activeFor: async (cluster, principalArn) =>
        [...requests.values()].filter(
          (r) => r.status === 'granted' && r.cluster === cluster && r.outcome?.principalArn === principalArn,
        ),
      inFlightSince: async (before, limit) =>
        [...requests.values()]
          .filter((r) => (r.status === 'approved' || r.status === 'applying') && r.updatedAt <= before)
          .sort((a, b) => a.updatedAt - b.updatedAt)
          .slice(0, limit)
          .map((r) => r.id),
      rotateActive: async (limit) => [...requests.values()].filter((r) => r.status === 'granted').slice(0, limit),
      readCursor: async (name) => world.cursors.get(name) ?? 0,
      writeCursor: async (name, at) => {
        world.cursors.set(name, at);
      },
      activeOn: async (cluster) =>
        [...requests.values()].filter((r) => r.cluster === cluster && r.status === 'granted'),
      pendingOn: async (cluster, limit) =>
        [...requests.values()].filter((r) => r.cluster === cluster && r.status === 'pending').slice(0, limit),
      listForUser: async (user, limit) =>
        [...requests.values()].filter((r) => r.requester === user || r.subject === user).slice(0, limit),
    },
    messages: {
      get: async (owner, key) => messages.get(`${owner}|${key}`),
      claim: async (owner, key) => {
        const ref = messages.get(`${owner}|${key}`);
        return ref ? { ref } : {};
      },
      release: async () => {},
      abandon: async () => {},
      save: async (owner, key, ref) => {
        messages.set(`${owner}|${key}`, ref);
      },
      list: async (owner) =>
        Object.fromEntries(
          [...messages].filter(([k]) => k.startsWith(`${owner}|`)).map(([k, v]) => [k.slice(owner.length + 1), v]),
        ),
    },
    notifier: {
      post: async (target, message) => {
        ts += 1;
        world.posts.push({ target, message, ts: `1.${ts}` });
        return { channel: target.channel, ts: `1.${ts}` };
      },
      update: async (ref, message) => {
        world.updates.push({ ref, message });
      },
      postEphemeral: async (target, message) => {
        world.ephemerals.push({ user: target.user, message });
      },
      openDm: async (user) => asChannelId(`D${user}`),
      permalink: async (channel, ts) => `https://sandbox.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
    },
    queue: {
      enqueueApply: async (id) => {
        world.enqueued.push(id);
      },
      redriveApply: async (id) => {
        world.enqueued.push(id);
        return true;
      },
      enqueueExpiry: async () => {},
      enqueueReminder: async () => {},
      enqueueLapse: async (id, at) => {
        world.timers.push({ kind: 'lapse', id, at });
      },
      enqueueApproverReminder: async (id, n, at) => {
        world.timers.push({ kind: 'approver-reminder', id, n, at });
      },
      enqueueHomeRefresh: async (user) => {
        world.homeRefreshes.push(user);
      },
      enqueueReviewReminder: async (id, at, round) => {
        world.reviewReminders.push({ id, at, round });
      },
      // No delay here: the worker's coalescing is tested through the wire; these tests want the rendered card.
      enqueueCardRefresh: async (id) => {
        await refreshCardsNow(deps, id);
      },
      enqueueDigest: async (channel, window, at) => {
        world.digestJobs.push({ channel, window, at });
      },
    },
    gateways: {
      forCluster: () => ({
        accessEntries,
        iam: { getRoleArn: async (name) => aws('GetRole', () => `arn:aws:iam::111122223333:role/teams/${name}`) },
      }),
    },
    // Only what the access-entry executor reads before CreateAccessEntry (aws-auth precedence); the rest of the
    // diagnosis and the aws-auth writer are tested through the wire.
    diagnostics: {
      forCluster: () => ({
        describeCluster: async () => ({
          facts: { found: true },
          connection: { endpoint: 'https://kubernetes.in-memory', caData: '' },
        }),
        iamPrincipal: unsupported,
        accessEntry: unsupported,
        awsAuth: unsupported,
        creator: unsupported,
      }),
    },
    awsAuth: {
      forCluster: () => ({
        read: async () => (world.awsAuth.data ? { data: world.awsAuth.data, resourceVersion: '1' } : undefined),
        submit: unsupported,
        ensureBindings: unsupported,
        removeBindings: unsupported,
        ensureUserBindings: unsupported,
        removeUserBindings: unsupported,
        hasUserBinding: unsupported,
        canI: unsupported,
      }),
    },
    tuning: { reminderLeadMs: 15 * 60_000 },
    userGroups: { members: async (groupId) => world.groups[groupId] ?? [] },
    people: { findByName: async () => [] },
    profiles: { profile: async (person) => world.profiles.get(person) },
    identityLinks: {
      get: async (person) => {
        const link = world.links.get(person);
        return link && link.expiresAt > now ? link : undefined;
      },
      put: async (person, link) => {
        world.links.set(person, link);
      },
      remove: async (person) => world.links.delete(person),
      claimToken: async (digest) => {
        if (world.usedTokens.has(digest)) return false;
        world.usedTokens.add(digest);
        return true;
      },
    },
    digests: {
      add: async (channel, window, item) => {
        const key = `${channel}|${window}`;
        const items = world.digests.get(key) ?? [];
        if (!items.some((i) => i.requestId === item.requestId)) items.push(item);
        world.digests.set(key, items);
        return items[0]?.requestId === item.requestId;
      },
      read: async (channel, window) => world.digests.get(`${channel}|${window}`) ?? [],
    },
    autoApprovals: {
      take: async ({ cluster, user, requestId, now: at, periodMs, max }) => {
        const key = `${cluster}:${user}`;
        const recent = (world.autoApproved.get(key) ?? []).filter((e) => e.at > at - periodMs);
        const index = recent.findIndex((e) => e.id === requestId);
        if (index >= 0) return { isTaken: true, usedBefore: index };
        if (recent.length >= max) return { isTaken: false, usedBefore: recent.length };
        world.autoApproved.set(key, [...recent, { id: requestId, at }]);
        return { isTaken: true, usedBefore: recent.length };
      },
    },
    linkVerifier: {
      partitionOf: () => undefined,
      verify: async () => ({ ok: false, reason: 'unavailable', detail: 'no STS in the in-memory world' }),
    },
    home: {
      publish: async (user, view) => {
        world.homes.push({ user, view });
        return { viewId: `V${user}` };
      },
    },
    auditTrail: {
      recentFor: async (cluster, limit) =>
        world.audit
          .map((event, i) => ({ ...event, id: `${event.at}-${i}` }))
          .filter((e) => e.cluster === cluster)
          .reverse()
          .slice(0, limit),
      trimBefore: async (before) => {
        const kept = world.audit.filter((e) => e.at >= before);
        const removed = world.audit.length - kept.length;
        world.audit.splice(0, world.audit.length, ...kept);
        return removed;
      },
    },
    audit: {
      append: async (event) => {
        world.audit.push(event);
      },
    },
  };
  return { ...world, deps };
}
