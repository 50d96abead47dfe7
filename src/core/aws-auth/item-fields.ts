import { shapeOf } from './raw.ts';
import type { AwsAuthIssue, MappingList, SsoMatcher } from './types.ts';
import type { GoMap, GoNode } from './yaml-reader.ts';

/**
 * Reading one item's fields the way Go's encoding/json fills the authenticator's structs: names matched ignoring
 * case, keys visited in sorted byte order (the last spelling wins), values of the wrong type ignored and
 * reported. `plainFields` is the shortcut for the common item, with the same result.
 */
export type Ref = { list: MappingList; index: number; line: number };

export const FIELDS: Record<MappingList, ReadonlyMap<string, string>> = {
  mapRoles: new Map(['rolearn', 'sso', 'username', 'groups', 'userid'].map((f) => [f, f])),
  mapUsers: new Map(['userarn', 'username', 'groups', 'userid'].map((f) => [f, f])),
};
const SSO_FIELDS: ReadonlyMap<string, keyof SsoMatcher> = new Map([
  ['permissionsetname', 'permissionSetName'],
  ['accountid', 'accountID'],
  ['partition', 'partition'],
]);

export type Fields = {
  /** Known field names only, so a plain object is safe. */
  strings: Record<string, string>;
  groups: string[] | undefined;
  sso: SsoMatcher | undefined;
  /** Known field names only, so a plain object is safe. */
  spelling: Record<string, string>;
};

/**
 * The common item, read without the general machinery: only known fields spelled in lower case, each once, with
 * string values and a list of strings for groups. Then no field can shadow another and nothing is reported, and
 * `spelling` lists the fields in the sorted order readFields would visit them. Undefined for anything else.
 */
export function plainFields(list: MappingList, node: GoMap): Fields | undefined {
  if (node.repeatedKeys.length > 0) return undefined;
  const known = FIELDS[list];
  const strings: Record<string, string> = {};
  let groups: string[] | undefined;
  // keys() and get(), not entries(): no [key, value] pair per field.
  for (const key of node.entries.keys()) {
    const value = node.entries.get(key);
    if (value === undefined || !known.has(key) || key === 'sso') return undefined;
    if (key === 'groups') {
      if (value.type !== 'seq') return undefined;
      groups = [];
      for (const item of value.items) {
        if (item.type !== 'scalar' || item.kind !== 'str') return undefined;
        groups.push(item.text);
      }
    } else if (value.type === 'scalar' && value.kind === 'str') {
      strings[key] = value.text;
    } else {
      return undefined;
    }
  }
  return { strings, groups, sso: undefined, spelling: plainSpelling(list, { strings, groups }) };
}

// The fields present, in the sorted byte order readFields visits them: groups < rolearn/userarn < userid < username.
export function plainSpelling(
  list: MappingList,
  item: { strings: Readonly<Record<string, string>>; groups: readonly string[] | undefined },
): Record<string, string> {
  const spelling: Record<string, string> = {};
  for (const field of SORTED_FIELDS[list]) {
    if (field === 'groups' ? item.groups !== undefined : item.strings[field] !== undefined) spelling[field] = field;
  }
  return spelling;
}

const SORTED_FIELDS: Record<MappingList, readonly string[]> = {
  mapRoles: ['groups', 'rolearn', 'userid', 'username'],
  mapUsers: ['groups', 'userarn', 'userid', 'username'],
};

// Scratch space reused by readFields (never re-entered, and nothing it returns points into these): it runs for
// every item, and small allocations per item add up to most of the parse time on large documents.
const KEYS: string[] = [];
const SEEN_FIELDS: string[] = [];
const SEEN_FIRST: string[] = [];

export function readFields(ref: Ref, node: GoMap, known: ReadonlyMap<string, string>, issues: AwsAuthIssue[]): Fields {
  const fields: Fields = { strings: {}, groups: undefined, sso: undefined, spelling: {} };
  // Only the known keys matter, visited in sorted order; sorting just those keeps their relative order.
  KEYS.length = 0;
  SEEN_FIELDS.length = 0;
  SEEN_FIRST.length = 0;
  for (const key of node.entries.keys()) if (known.has(foldFieldName(key))) KEYS.push(key);
  if (KEYS.length > 1) insertionSort(KEYS);
  let spellingsOf: Map<string, string[]> | undefined;
  for (const key of KEYS) {
    const field = known.get(foldFieldName(key)) ?? key;
    const seen = SEEN_FIELDS.indexOf(field);
    if (seen < 0) {
      SEEN_FIELDS.push(field);
      SEEN_FIRST.push(key);
    } else {
      spellingsOf ??= new Map();
      const spellings = spellingsOf.get(field);
      if (spellings === undefined) spellingsOf.set(field, [SEEN_FIRST[seen] ?? key, key]);
      else spellings.push(key);
    }
    const value = node.entries.get(key);
    if (value !== undefined && assign(ref, fields, field, value, issues)) fields.spelling[field] = key;
  }
  if (spellingsOf === undefined && node.repeatedKeys.length === 0) return fields;
  for (let i = 0; i < SEEN_FIELDS.length; i++) {
    const field = SEEN_FIELDS[i] ?? '';
    const spellings = spellingsOf?.get(field) ?? [SEEN_FIRST[i] ?? field];
    const repeated = spellings.some((s) => node.repeatedKeys.includes(s));
    if (spellings.length > 1 || repeated) {
      const used = fields.spelling[field] ?? spellings.at(-1) ?? field;
      issues.push({ ...ref, code: 'duplicate_field', field, spellings, used });
    }
  }
  return fields;
}

/** Applies one JSON value to a Go struct field; returns whether the field took it. */
function assign(ref: Ref, fields: Fields, field: string, value: GoNode, issues: AwsAuthIssue[]): boolean {
  const isNull = value.type === 'scalar' && value.kind === 'null';
  if (field === 'groups') {
    if (isNull)
      fields.groups = undefined; // JSON null resets a Go slice to nil
    else if (value.type === 'seq') fields.groups = value.items.map((item, i) => groupString(ref, item, i, issues));
    else issues.push({ ...ref, code: 'groups_not_a_list', found: shapeOf(value) });
    return isNull || value.type === 'seq';
  }
  if (field === 'sso') {
    if (isNull)
      fields.sso = undefined; // and a nil pointer
    else if (value.type === 'map') fields.sso = readSso(ref, value, fields.sso, issues);
    else issues.push({ ...ref, code: 'sso_not_a_mapping', found: shapeOf(value) });
    return isNull || value.type === 'map';
  }
  const text = stringField(ref, field, value, issues);
  if (text !== undefined) fields.strings[field] = text;
  return text !== undefined;
}

// JSON null leaves a Go string as it was; any other non-string is a type error that also leaves it.
function stringField(ref: Ref, field: string, value: GoNode, issues: AwsAuthIssue[]): string | undefined {
  if (value.type === 'scalar' && value.kind === 'str') return value.text;
  if (!(value.type === 'scalar' && value.kind === 'null')) {
    issues.push({ ...ref, code: 'field_not_a_string', field, found: shapeOf(value) });
  }
  return undefined;
}

function groupString(ref: Ref, item: GoNode, position: number, issues: AwsAuthIssue[]): string {
  if (item.type === 'scalar' && item.kind === 'str') return item.text;
  issues.push({ ...ref, code: 'group_not_a_string', position, found: shapeOf(item) });
  return '';
}

function readSso(ref: Ref, node: GoMap, previous: SsoMatcher | undefined, issues: AwsAuthIssue[]): SsoMatcher {
  const sso: SsoMatcher = previous ?? { permissionSetName: '', accountID: '', partition: '' };
  for (const [key, value] of sortedEntries(node)) {
    const field = SSO_FIELDS.get(foldFieldName(key));
    if (field === undefined) continue;
    const text = stringField(ref, `sso.${field}`, value, issues);
    if (text !== undefined) sso[field] = text;
  }
  return sso;
}

/**
 * Go's encoding/json matches a JSON key to a struct field ignoring case (simple Unicode folding, under which the
 * Kelvin sign is a 'k' and the long s an 's').
 */
export function foldFieldName(name: string): string {
  if (!NEEDS_FOLDING.test(name)) return name;
  return name
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replaceAll('\u212a', 'k')
    .replaceAll('\u017f', 's');
}

const NEEDS_FOLDING = /[A-Z\u212a\u017f]/;

// sigs.k8s.io/yaml re-encodes through a Go map, and Go's JSON encoder sorts map keys by their UTF-8 bytes;
// json.Unmarshal then visits them in that order, so among spellings of one field the last in that order wins.
function sortedEntries(node: GoMap): [string, GoNode][] {
  const entries = [...node.entries];
  return entries.length < 2 ? entries : entries.sort(([a], [b]) => compareUtf8(a, b));
}

// Items have a handful of keys; Array#sort allocates work space on every call, this does not.
function insertionSort(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] ?? '';
    let j = i - 1;
    while (j >= 0 && compareUtf8(keys[j] ?? '', key) > 0) {
      keys[j + 1] = keys[j] ?? '';
      j--;
    }
    keys[j + 1] = key;
  }
}

const SURROGATE = /[\ud800-\udfff]/;

function compareUtf8(a: string, b: string): number {
  // Without surrogates, UTF-16 code units order like code points, and so like UTF-8 bytes.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
