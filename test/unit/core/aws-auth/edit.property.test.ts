import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryArn, parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import { documentProblem } from '../../../../src/core/aws-auth/document-health.ts';
import { type AwsAuthOp, editAwsAuth } from '../../../../src/core/aws-auth/edit.ts';
import { locateList } from '../../../../src/core/aws-auth/locate-yaml.ts';
import { isNodeEntry } from '../../../../src/core/aws-auth/nodes.ts';
import { principalKey } from '../../../../src/core/aws-auth/principals.ts';
import { checkAwsAuthChange, opsToWrite } from '../../../../src/core/aws-auth/safety.ts';
import type { AwsAuthEntry, MappingList } from '../../../../src/core/aws-auth/types.ts';
import { foldArn } from '../../../../src/core/identity/canonical.ts';
import { awsAuthDocument, HOSTILE_ARNS, HOSTILE_STRINGS, opsFor, role, upsert } from './aws-auth-fixtures.ts';

const RUNS = 200;
// Property runs parse hundreds of documents; leave room on a loaded CI machine.
const SLOW = { timeout: 30_000 };
const LISTS: readonly MappingList[] = ['mapRoles', 'mapUsers'];
const docWithOps = awsAuthDocument.chain((doc) => opsFor(doc).map((ops) => ({ doc, ops })));

function opList(op: AwsAuthOp): MappingList {
  return (op.op === 'upsert' ? op.item.kind : op.kind) === 'role' ? 'mapRoles' : 'mapUsers';
}

function opArn(op: AwsAuthOp): string {
  return op.op === 'upsert' ? op.item.arn : op.arn;
}

/** What an item is, for comparing documents: its list and every field as read. */
const shape = (entry: AwsAuthEntry) => JSON.stringify([entry.list, entry.raw]);

describe('editAwsAuth on random documents and ops', () => {
  it(
    'never loses or changes an unrelated entry, never breaks parsing, and applies exactly the intended change',
    SLOW,
    () => {
      fc.assert(
        fc.property(docWithOps, ({ doc, ops }) => {
          const out = editAwsAuth(doc.data, ops);

          const before = parseAwsAuth(doc.data);
          const after = parseAwsAuth(out.data);
          expect(documentProblem(after)).toBeUndefined();
          const applied = opsToWrite(ops, out.results);
          const targets = new Set(applied.map((op) => `${opList(op)} ${foldArn(opArn(op))}`));
          const isTarget = (e: AwsAuthEntry) => targets.has(`${e.list} ${foldArn(entryArn(e))}`);
          const untouched = (d: typeof before) => [...d.mapRoles, ...d.mapUsers].filter((e) => !isTarget(e)).map(shape);
          expect(untouched(after)).toEqual(untouched(before));
          for (const [key, value] of Object.entries(doc.data)) {
            const edited = (LISTS as readonly string[]).includes(key) && out.changedKeys.includes(key as MappingList);
            if (!edited) expect(out.data[key]).toBe(value);
          }
          // The last op per ARN decides what the result holds for it.
          const last = new Map(applied.map((op) => [`${opList(op)} ${foldArn(opArn(op))}`, op]));
          for (const [key, op] of last) {
            const winner = [...after.mapRoles, ...after.mapUsers]
              .filter((e) => `${e.list} ${foldArn(entryArn(e))}` === key)
              .at(-1);
            if (op.op === 'remove') expect(winner).toBeUndefined();
            else if (op.op === 'upsert') {
              expect(winner?.username).toBe(op.item.username);
              expect(new Set(winner?.groups)).toEqual(new Set(op.item.groups));
            }
          }
        }),
        { numRuns: RUNS },
      );
    },
  );

  it('keeps every untouched item byte for byte, in order', SLOW, () => {
    fc.assert(
      fc.property(docWithOps, ({ doc, ops }) => {
        const out = editAwsAuth(doc.data, ops);

        for (const list of out.changedKeys) {
          const text = doc.data[list] ?? '';
          const located = locateList(text);
          if (!located.ok) continue;
          const touched = new Set(
            opsToWrite(ops, out.results)
              .filter((op) => opList(op) === list)
              .map((op) => foldArn(opArn(op))),
          );
          const entries = parseAwsAuth(doc.data)[list];
          let from = 0;
          for (const item of located.list.items) {
            const entry = entries.find((e) => e.index === item.index);
            if (entry !== undefined && touched.has(foldArn(entryArn(entry)))) continue;
            const itemText = text.slice(item.start, item.contentEnd);
            const at = out.data[list]?.indexOf(itemText, from) ?? -1;
            expect(at).toBeGreaterThanOrEqual(from);
            from = at + itemText.length;
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('returns the same document when there is nothing to change (render after parse is the identity)', SLOW, () => {
    fc.assert(
      fc.property(awsAuthDocument, (doc) => {
        const unchanged = editAwsAuth(doc.data, []);
        const removals = editAwsAuth(doc.data, [
          { op: 'remove', id: 'x', kind: 'role', arn: role('nobody-has-this-role') },
        ]);

        expect(unchanged.data).toEqual(doc.data);
        expect(Object.keys(unchanged.data)).toEqual(Object.keys(doc.data));
        expect(removals.data).toEqual(doc.data);
        expect(removals.changed).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('never touches node items, and the safety check refuses anything aimed at them or at the creator', SLOW, () => {
    fc.assert(
      fc.property(
        docWithOps.chain(({ doc, ops }) =>
          fc
            .constantFrom(...[...doc.roles, ...doc.users].map((i) => i.arn), role('someone-else'))
            .map((creator) => ({ doc, ops, creator })),
        ),
        ({ doc, ops, creator }) => {
          const out = editAwsAuth(doc.data, ops);
          const written = opsToWrite(ops, out.results);
          const verdict = checkAwsAuthChange({
            before: doc.data,
            after: out.data,
            ops: written,
            creator: { arn: creator, isKnown: true },
          });

          const nodes = (data: Record<string, string>) => parseAwsAuth(data).mapRoles.filter(isNodeEntry).map(shape);
          expect(nodes(out.data)).toEqual(nodes(doc.data));
          const nodeArns = new Set(doc.roles.filter((r) => r.isNode).map((r) => foldArn(r.arn)));
          expect(written.some((op) => nodeArns.has(foldArn(opArn(op))))).toBe(false);
          const touchesCreator = written.some((op) => principalKey(opArn(op)) === principalKey(creator));
          if (touchesCreator) expect(verdict.refusal?.code).toBe('creator_protected');
          if (verdict.ok) {
            expect(touchesCreator).toBe(false);
            expect(verdict.checks.every((c) => c.passed)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('keeps hostile usernames and groups from changing the structure: only the new item differs', SLOW, () => {
    const hostile = fc.constantFrom(...HOSTILE_STRINGS.map(([, value]) => value));
    fc.assert(
      fc.property(awsAuthDocument, hostile, hostile, (doc, username, group) => {
        const arn = role('hostile-target');

        const out = editAwsAuth(doc.data, [upsert('h1', arn, username, [group, 'eks-access:view'])]);

        const before = parseAwsAuth(doc.data);
        const after = parseAwsAuth(out.data);
        if (out.results[0]?.status !== 'applied') return; // e.g. a list laid out so appending is unsafe
        const mine = (e: AwsAuthEntry) => foldArn(entryArn(e)) === foldArn(arn);
        expect([...after.mapRoles, ...after.mapUsers].filter((e) => !mine(e)).map(shape)).toEqual(
          [...before.mapRoles, ...before.mapUsers].map(shape),
        );
        const added = after.mapRoles.filter(mine);
        expect(added.map((e) => [e.rolearn, e.username, e.groups])).toEqual([
          [arn, username, [group, 'eks-access:view']],
        ]);
        expect(after.invalidItems).toEqual([]);
        expect(after.mapAccounts).toEqual(before.mapAccounts);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses hostile ARNs without touching the document', SLOW, () => {
    fc.assert(
      fc.property(awsAuthDocument, fc.constantFrom(...HOSTILE_ARNS.map(([, arn]) => arn)), (doc, arn) => {
        const out = editAwsAuth(doc.data, [upsert('h1', arn, 'eks-access:x', ['eks-access:view'])]);

        expect(out.results[0]?.status).toBe('refused');
        expect(out.data).toEqual(doc.data);
      }),
      { numRuns: 100 },
    );
  });
});
