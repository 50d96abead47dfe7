import type { AwsAuthItem, AwsAuthOp, Mapping } from '../aws-auth/edit.ts';
import type { AwsAuthPrior } from './aws-auth-prior.ts';

/**
 * An aws-auth grant as a reversible delta on what the principal had: during grants the item keeps the prior
 * username and groups and gains the grants' groups; when the last grant ends the original item text goes back
 * (or the item the grants added goes away). Ending one of several grants takes away only the groups no remaining
 * grant and nothing before needed. A change someone else made to the item meanwhile (drift) is never overwritten:
 * only the grant's own groups are taken away and the rest is reported for a person to decide.
 */

/** The item while a grant is active: the item as it is now, plus the grant's groups; nothing is taken away. */
export function grantItem(
  kind: 'role' | 'user',
  arn: string,
  current: Mapping | undefined,
  username: string,
  groups: readonly string[],
): AwsAuthItem {
  return {
    kind,
    arn,
    username: current?.username ? current.username : username,
    groups: union(current?.groups ?? [], groups),
  };
}

export interface AwsAuthEndInput {
  id: string;
  prior: AwsAuthPrior;
  /** The item the authenticator uses now (undefined: none). */
  current: Mapping | undefined;
  /** The ending grant's groups. */
  ending: readonly string[];
  /** Groups the principal's other active grants still need. */
  remaining: readonly string[];
  /** The username eks-access writes when the principal had none. */
  username: string;
}

export interface AwsAuthEndPlan {
  /** Undefined: nothing to write. */
  op?: AwsAuthOp;
  /** What the end restores or removes, in sentences for the thread. */
  restored: string[];
  /** Changes made by someone else during the grant, left as they are (for the thread and the audit). */
  drift: string[];
}

export function planAwsAuthEnd(input: AwsAuthEndInput): AwsAuthEndPlan {
  const { prior, current, id } = input;
  const priorGroups = prior.item?.groups ?? [];
  const expected: Mapping = {
    arn: prior.arn,
    username: prior.item?.username ? prior.item.username : input.username,
    groups: union(priorGroups, input.ending, input.remaining),
  };
  const mine = input.ending.filter((g) => !priorGroups.includes(g) && !input.remaining.includes(g));
  const target = { kind: prior.kind, arn: prior.arn };
  if (current === undefined) {
    return {
      restored: [],
      drift: [`the aws-auth item for \`${prior.arn}\` was removed during the grant; nothing was put back`],
    };
  }
  const drift = describeDrift(expected, current);
  if (drift.length === 0 && input.remaining.length === 0) {
    const op: AwsAuthOp = prior.item
      ? {
          op: 'restore_item',
          id,
          ...target,
          expect: current,
          to: {
            kind: 'text',
            text: prior.item.text,
            mapping: { arn: prior.arn, username: prior.item.username, groups: prior.item.groups },
          },
        }
      : {
          op: 'restore_item',
          id,
          ...target,
          expect: current,
          to: {
            kind: 'absent',
            ...(prior.emptyValue !== undefined ? { emptyValue: prior.emptyValue } : {}),
            ...(prior.lacksFinalNewline ? { lacksFinalNewline: true } : {}),
          },
        };
    return {
      op,
      restored: [
        prior.item
          ? `aws-auth item for \`${prior.arn}\` restored exactly as before the grant (username \`${prior.item.username}\`, groups ${list(prior.item.groups)})`
          : `aws-auth item for \`${prior.arn}\` removed (the grant added it)`,
      ],
      drift: [],
    };
  }
  const kept = current.groups.filter((g) => !mine.includes(g));
  const taken = current.groups.filter((g) => mine.includes(g));
  if (taken.length === 0) {
    return {
      restored: [`aws-auth item for \`${prior.arn}\` left as it is (no group of this grant to take away)`],
      drift,
    };
  }
  if (kept.length === 0) {
    if (prior.item) {
      return {
        restored: [],
        drift: [...drift, `the item would be left with no group; left as it is for a person to decide`],
      };
    }
    return {
      op: { op: 'restore_item', id, ...target, expect: current, to: { kind: 'absent' } },
      restored: [`aws-auth item for \`${prior.arn}\` removed (the grant added it)`],
      drift,
    };
  }
  return {
    op: { op: 'upsert', id, item: { ...target, username: current.username, groups: kept } },
    restored: [
      `aws-auth item for \`${prior.arn}\`: ${list(taken)} taken away, ${list(kept)} kept${input.remaining.length > 0 ? ' (other active grants or the prior mapping need them)' : ''}`,
    ],
    drift,
  };
}

function describeDrift(expected: Mapping, current: Mapping): string[] {
  const lines: string[] = [];
  if (current.username !== expected.username) {
    lines.push(
      `the username was changed during the grant (\`${expected.username}\` → \`${current.username}\`); left as it is`,
    );
  }
  const added = current.groups.filter((g) => !expected.groups.includes(g));
  const removed = expected.groups.filter((g) => !current.groups.includes(g));
  if (added.length > 0) lines.push(`groups ${list(added)} were added during the grant by someone else; left in place`);
  if (removed.length > 0)
    lines.push(`groups ${list(removed)} were removed during the grant by someone else; not put back`);
  return lines;
}

function union(...lists: (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const group of lists.flat()) if (!out.includes(group)) out.push(group);
  return out;
}

function list(groups: readonly string[]): string {
  return groups.length === 0 ? 'none' : groups.map((g) => `\`${g}\``).join(', ');
}
