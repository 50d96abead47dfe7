import { entryArn, isSkippable, parseAwsAuthLocated } from '../aws-auth/document.ts';
import type { Mapping } from '../aws-auth/edit.ts';
import { locateList } from '../aws-auth/locate-yaml.ts';
import type { LocatedList } from '../aws-auth/located.ts';
import type { MappingList } from '../aws-auth/types.ts';
import { foldArn } from '../identity/canonical.ts';

/**
 * What a principal had in aws-auth before the first grant touched it, recorded byte for byte so the last grant's
 * end can put it back exactly: the text of the item the authenticator used (its place, spelling, comments inside
 * it and unknown fields), or the fact that there was none and what the list looked like then.
 * JSON-serialisable: it is stored on the request.
 */
export interface AwsAuthPrior {
  kind: 'role' | 'user';
  /** The ARN as the grant writes it (canonical, no role path). */
  arn: string;
  /** The item as it was; absent when the principal had no item in the list. */
  item?: {
    /** From the item's `-` (block) or its first character (flow) to the end of its last value. */
    text: string;
    username: string;
    groups: readonly string[];
    /** 1-based line within the list's value, for messages. */
    line: number;
  };
  /** With no item: the list's whole value when it held no item at all (null: the key was absent). */
  emptyValue?: string | null;
  /** With no item: the value did not end with a newline (an append adds one; the removal takes it back). */
  lacksFinalNewline?: boolean;
}

export function listOf(kind: 'role' | 'user'): MappingList {
  return kind === 'role' ? 'mapRoles' : 'mapUsers';
}

/**
 * Reads the prior state from the document as it is now. Undefined when the list does not parse (the write would be
 * refused anyway, and nothing can be recorded byte for byte).
 */
export function capturePrior(
  data: Readonly<Record<string, string>>,
  kind: 'role' | 'user',
  arn: string,
): AwsAuthPrior | undefined {
  const list = listOf(kind);
  const parsed = parseAwsAuthLocated(data);
  const state = parsed.document.keys[list];
  if (state.status === 'failed') return undefined;
  const value = Object.hasOwn(data, list) ? data[list] : undefined;
  const text = value === undefined || isSkippable(value) ? '' : value;
  const located = parsed.located[list] ?? locatedOf(text);
  if (located === undefined) return undefined;
  const key = foldArn(arn);
  const winner = parsed.document[list].filter((entry) => foldArn(entryArn(entry)) === key).at(-1);
  if (winner === undefined) {
    return {
      kind,
      arn,
      ...(located.items.length === 0 ? { emptyValue: value ?? null } : {}),
      ...(text !== '' && !text.endsWith('\n') ? { lacksFinalNewline: true } : {}),
    };
  }
  const at = located.items.find((item) => item.index === winner.index);
  if (at === undefined) return undefined;
  return {
    kind,
    arn,
    item: {
      text: text.slice(at.start, at.contentEnd),
      username: winner.username,
      groups: [...winner.groups],
      line: winner.line,
    },
  };
}

function locatedOf(text: string): LocatedList | undefined {
  const outcome = locateList(text);
  return outcome.ok ? outcome.list : undefined;
}

/** The mapping the authenticator uses for the ARN in its list now (the last item with it), if any. */
export function currentMapping(
  data: Readonly<Record<string, string>>,
  kind: 'role' | 'user',
  arn: string,
): Mapping | undefined {
  const key = foldArn(arn);
  const entry = parseAwsAuthLocated(data)
    .document[listOf(kind)].filter((e) => foldArn(entryArn(e)) === key)
    .at(-1);
  return entry ? { arn, username: entry.username, groups: entry.groups } : undefined;
}
