import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryArn, parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import type { Mapping } from '../../../../src/core/aws-auth/edit.ts';
import { foldArn } from '../../../../src/core/identity/canonical.ts';
import { grantItem, planAwsAuthEnd } from '../../../../src/core/plan/aws-auth-delta.ts';
import { type AwsAuthEdit, foldAwsAuthEdits } from '../../../../src/core/plan/aws-auth-fold.ts';
import { type AwsAuthPrior, capturePrior } from '../../../../src/core/plan/aws-auth-prior.ts';

const RUNS = 150;
const SLOW = { timeout: 60_000 };
const ARN = 'arn:aws:iam::111122223333:user/alice';
const USERNAME = 'eks-access:alice';
const CREATOR = { arn: 'arn:aws:iam::111122223333:role/creator', isKnown: true };
const NODE =
  '- rolearn: arn:aws:iam::111122223333:role/node\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n- rolearn: arn:aws:iam::111122223333:role/ops-admin\n  username: ops-admin\n  groups:\n    - system:masters\n';
const GRANT_GROUPS = [
  ['eks-access:view'],
  ['eks-access:admin'],
  ['eks-access:edit:payments', 'eks-access:edit:orders'],
  ['eks-access:cluster-admin'],
  ['readers'],
] as const;

const group = fc.constantFrom('readers', 'team-a', 'eks-access:view', 'has space', 'yes', '007');
const username = fc.constantFrom('dev', 'alice', 'dev-{{SessionName}}', 'eks-access:alice', '"quoted"');
const arnSpelling = fc.constantFrom(ARN, ARN.toUpperCase().replace('ARN:AWS:IAM', 'arn:aws:iam'), ARN);

/** The principal's item in several real-world spellings: comments inside it, flow groups, odd indents, extra fields. */
const priorItem = fc
  .record({
    arn: arnSpelling,
    username,
    groups: fc.uniqueArray(group, { minLength: 1, maxLength: 3 }),
    style: fc.constantFrom('compact', 'flow-groups', 'commented', 'userid', 'quoted'),
  })
  .map(({ arn, username: user, groups, style }) => {
    const quote = (s: string) => JSON.stringify(s);
    switch (style) {
      case 'compact':
        return `- userarn: ${arn}\n  username: ${quote(user)}\n  groups:\n  - ${groups.map(quote).join('\n  - ')}\n`;
      case 'flow-groups':
        return `- username: ${quote(user)}\n  userarn: ${arn}\n  groups: [${groups.map(quote).join(', ')}]  # theirs\n`;
      case 'commented':
        return `- userarn: ${arn} # alice, team a\n  # what she had\n  username: ${quote(user)}\n  groups:\n    - ${groups.map(quote).join(' # g\n    - ')}\n`;
      case 'userid':
        return `- userarn: ${arn}\n  userid: AIDAEXAMPLE\n  username: ${quote(user)}\n  groups: [${groups.map(quote).join(', ')}]\n`;
      default:
        return `- "userarn": '${arn}'\n  "username": '${user.replaceAll("'", "''")}'\n  "groups":\n    - '${groups.join("'\n    - '")}'\n`;
    }
  });
const otherUser = fc
  .constantFrom('bob', 'carol', 'dave')
  .map((name) => `- userarn: arn:aws:iam::111122223333:user/${name}\n  username: ${name}\n  groups:\n    - team-b\n`);

/** mapUsers as it was: absent, empty, or items around the principal's (or none of theirs). */
const mapUsers = fc.oneof(
  fc.constant<string | undefined>(undefined),
  fc.constantFrom('', '""', '~', '# nobody yet\n', '[]'),
  fc
    .record({
      before: fc.array(otherUser, { maxLength: 2 }),
      mine: fc.option(priorItem, { nil: undefined }),
      after: fc.array(otherUser, { maxLength: 2 }),
      header: fc.constantFrom('', '# users\n'),
      indent: fc.constantFrom('', '  '),
      trailingNewline: fc.boolean(),
    })
    .map(({ before, mine, after, header, indent, trailingNewline }) => {
      const items = [...before, ...(mine ? [mine] : []), ...after].join('').replace(/^(?=.)/gm, indent);
      const text = header + items;
      return trailingNewline || text === '' ? text : text.replace(/\n$/, '');
    }),
);
const priorDoc = mapUsers.map((users) => ({
  mapRoles: NODE,
  ...(users === undefined ? {} : { mapUsers: users }),
  mapAccounts: '- "444455556666"\n',
}));

/** A sequence of starts and ends over up to four grants; every started grant ends, in a random order. */
const events = fc
  .array(fc.integer({ min: 0, max: GRANT_GROUPS.length - 1 }), { minLength: 1, maxLength: 4 })
  .chain((levels) =>
    fc
      .shuffledSubarray(
        [
          ...levels.map((_, i) => ({ type: 'start' as const, grant: i })),
          ...levels.map((_, i) => ({ type: 'end' as const, grant: i })),
        ],
        { minLength: levels.length * 2, maxLength: levels.length * 2 },
      )
      .map((order) => ({ levels, order: orderStartsFirst(order) })),
  );

// A grant ends after it started: swap any end that comes before its start.
function orderStartsFirst<T extends { type: 'start' | 'end'; grant: number }>(order: T[]): T[] {
  const started = new Set<number>();
  const out: T[] = [];
  const waiting: T[] = [];
  for (const event of order) {
    if (event.type === 'start') {
      started.add(event.grant);
      out.push(event);
      out.push(...waiting.filter((w) => w.grant === event.grant));
    } else if (started.has(event.grant)) out.push(event);
    else waiting.push(event);
  }
  return out;
}

class Cluster {
  data: Record<string, string>;
  priorOf = new Map<number, AwsAuthPrior>();
  active = new Map<number, readonly string[]>();

  constructor(data: Record<string, string>) {
    this.data = { ...data };
  }

  current(): Mapping | undefined {
    const entry = parseAwsAuth(this.data)
      .mapUsers.filter((e) => foldArn(entryArn(e)) === foldArn(ARN))
      .at(-1);
    return entry ? { arn: ARN, username: entry.username, groups: entry.groups } : undefined;
  }

  write(id: string, edit: AwsAuthEdit): void {
    const folded = foldAwsAuthEdits(this.data, [{ id, edit }]);
    const result = folded.results[id];
    if (result?.status === 'refused') throw new Error(`${id} refused: ${JSON.stringify(result.refusal)}`);
    if (folded.data) this.data = folded.data;
  }

  start(grant: number, groups: readonly string[]): void {
    const inherited = [...this.active.keys()].map((g) => this.priorOf.get(g)).find((p) => p !== undefined);
    const prior = inherited ?? capturePrior(this.data, 'user', ARN);
    if (!prior) throw new Error('no prior');
    this.priorOf.set(grant, prior);
    this.active.set(grant, groups);
    const item = grantItem('user', ARN, this.current(), USERNAME, groups);
    this.write(`start-${grant}`, { ops: [{ op: 'upsert', id: `start-${grant}`, item }], creator: CREATOR });
  }

  end(grant: number): string[] {
    const ending = this.active.get(grant) ?? [];
    this.active.delete(grant);
    const prior = this.priorOf.get(grant);
    if (!prior) throw new Error('no prior');
    const plan = planAwsAuthEnd({
      id: `end-${grant}`,
      prior,
      current: this.current(),
      ending,
      remaining: [...this.active.values()].flat(),
      username: USERNAME,
    });
    if (plan.op) this.write(`end-${grant}`, { ops: [plan.op], creator: CREATOR });
    return plan.drift;
  }
}

describe('aws-auth grants as a reversible delta', () => {
  it(
    'restores the document byte for byte after any overlapping grants end, and keeps the prior groups during them',
    SLOW,
    () => {
      fc.assert(
        fc.property(priorDoc, events, (prior, { levels, order }) => {
          const cluster = new Cluster(prior);
          const priorGroups = cluster.current()?.groups ?? [];

          for (const event of order) {
            const groups = GRANT_GROUPS[levels[event.grant] ?? 0] ?? [];
            if (event.type === 'start') cluster.start(event.grant, groups);
            else expect(cluster.end(event.grant)).toEqual([]);
            const during = cluster.current()?.groups ?? [];
            for (const g of priorGroups) expect(during).toContain(g);
            for (const g of [...cluster.active.values()].flat()) expect(during).toContain(g);
          }

          expect(cluster.data).toEqual(prior);
          expect(Object.keys(cluster.data)).toEqual(Object.keys(prior));
        }),
        { numRuns: RUNS },
      );
    },
  );

  it(
    "never clobbers a change someone made during a grant: only the grant's own groups go, the rest is reported",
    SLOW,
    () => {
      fc.assert(
        fc.property(priorDoc, fc.integer({ min: 0, max: GRANT_GROUPS.length - 2 }), (prior, level) => {
          const cluster = new Cluster(prior);
          const groups = GRANT_GROUPS[level] ?? [];
          const had = cluster.current()?.groups ?? [];
          cluster.start(0, groups);
          const now = cluster.current();
          const manual = {
            kind: 'user' as const,
            arn: ARN,
            username: now?.username ?? USERNAME,
            groups: [...(now?.groups ?? []), 'added-by-hand'],
          };
          cluster.write('hand', { ops: [{ op: 'upsert', id: 'hand', item: manual }], creator: CREATOR });

          const drift = cluster.end(0);

          const after = cluster.current()?.groups ?? [];
          expect(drift.join(' ')).toContain('added-by-hand');
          expect(after).toContain('added-by-hand');
          for (const g of had) expect(after).toContain(g);
          for (const g of groups.filter((g) => !had.includes(g))) expect(after).not.toContain(g);
        }),
        { numRuns: RUNS },
      );
    },
  );
});
