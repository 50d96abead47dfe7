import { claim, freeWord, type Sentence } from './sentence.ts';
import { ALL_WORDS, CLUSTER_PREPOSITIONS, levelOf, NAMESPACE_MARKERS, REASON_WORDS, RESERVED_WORDS } from './vocab.ts';

const MAX_NAMESPACE = 63;
const LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const WILDCARD = /^[a-z0-9][-a-z0-9]*\*$/;
const PLURAL_MARKERS = new Set(['namespaces', '--namespaces']);
const LIST_JOINERS = new Set(['and', '&', '+']);
const ARTICLES = new Set(['the', 'in', 'a']);
const STOPS: ReadonlySet<string> = new Set([...CLUSTER_PREPOSITIONS.flatMap((group) => [...group]), ...REASON_WORDS]);

/** A DNS-1123 label (≤ 63 chars), optionally ending in `*` as EKS access scopes allow (`dev-*`). */
export function isValidNamespace(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NAMESPACE) return false;
  return LABEL.test(name) || WILDCARD.test(name);
}

export interface NamespaceResult {
  namespaces: string[];
  /** The first name that is not valid, as typed; '' when a marker had no name after it. */
  invalid?: string;
}

/**
 * Claims `in namespace a`, `in namespaces a, b and c`, `in ns a`, `-n a`, `namespace=a`, `ns:a,b` and
 * `in the a namespace`. Names are lower-cased, then validated; duplicates are dropped.
 */
export function takeNamespaces(sentence: Sentence, clusterNames: readonly string[] = []): NamespaceResult {
  const clusters = new Set(clusterNames.map((name) => name.toLowerCase()));
  const namespaces: string[] = [];
  let invalid: string | undefined;
  for (let index = 0; index < sentence.tokens.length; index++) {
    const marker = freeWord(sentence, index);
    if (marker === undefined || !NAMESPACE_MARKERS.has(marker.word)) continue;
    const next = freeWord(sentence, index + 1);
    if (marker.word === 'namespace' && next !== undefined && levelOf(`namespace-${next.word}`) !== undefined) continue;
    claim(sentence, index);
    const values = takeValues(sentence, index + 1, PLURAL_MARKERS.has(marker.word) ? clusters : undefined);
    if (values.length === 0) values.push(...takeValueBefore(sentence, index));
    const before = freeWord(sentence, index - 1)?.word ?? '';
    if (STOPS.has(before) || ALL_WORDS.has(before)) claim(sentence, index - 1);
    if (values.length === 0) {
      // "in all namespaces" is cluster scope; a marker with nothing to name is an error.
      if (!ALL_WORDS.has(before)) invalid ??= '';
      continue;
    }
    for (const value of values) {
      const name = value.toLowerCase();
      if (!isValidNamespace(name)) invalid ??= value;
      else if (!namespaces.includes(name)) namespaces.push(name);
    }
  }
  return invalid === undefined ? { namespaces } : { namespaces, invalid };
}

/**
 * `a`, `a, b`, `a,b`, `a and b`, `a , b`: after a singular marker a comma or "and" is needed to keep
 * going; after "namespaces" plain spaces separate names too, up to the next keyword or cluster name
 * (`plural` holds the lower-cased cluster names then).
 */
function takeValues(sentence: Sentence, from: number, plural: ReadonlySet<string> | undefined): string[] {
  const values: string[] = [];
  let expectMore = true;
  for (let index = from; index < sentence.tokens.length; index++) {
    const token = freeWord(sentence, index);
    if (token === undefined) break;
    const separator = LIST_JOINERS.has(token.word) || (token.clean === '' && token.raw.includes(','));
    if (separator) {
      if (values.length === 0) break;
      expectMore = true;
      claim(sentence, index);
      continue;
    }
    if ((!expectMore && plural === undefined) || STOPS.has(token.word)) break;
    if (!expectMore && (RESERVED_WORDS.has(token.word) || plural?.has(token.word) === true)) break;
    const parts = token.clean
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    if (parts.length === 0) break;
    values.push(...parts);
    claim(sentence, index);
    expectMore = token.raw.trimEnd().endsWith(',');
  }
  return values;
}

/** `in the payments namespace`, `in payments namespace`. */
function takeValueBefore(sentence: Sentence, markerIndex: number): string[] {
  const value = freeWord(sentence, markerIndex - 1);
  const lead = freeWord(sentence, markerIndex - 2);
  if (value === undefined || lead === undefined || !ARTICLES.has(lead.word) || RESERVED_WORDS.has(value.word)) {
    return [];
  }
  claim(sentence, markerIndex - 2, 2);
  if (lead.word === 'the' && freeWord(sentence, markerIndex - 3)?.word === 'in') claim(sentence, markerIndex - 3);
  return [value.clean];
}
