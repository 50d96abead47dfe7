import { awsAuthArn, isParsedArn, parseArn } from '../identity/arn.ts';
import { rawObject, rawValue, shapeOf } from './raw.ts';
import { validateSso } from './sso-matcher.ts';
import type {
  AwsAuthEntry,
  AwsAuthIssue,
  InvalidItem,
  MappingList,
  RawObject,
  RoleEntry,
  SsoMatcher,
  UserEntry,
} from './types.ts';
import type { GoMap, GoNode, YamlProblem } from './yaml-reader.ts';

/**
 * Decodes a mapRoles or mapUsers list the way the authenticator does: JSON-unmarshal into Go structs (field names
 * match case-insensitively, keys are visited in sorted order so the last spelling wins, a value of the wrong type
 * is ignored), then validate each item on its own and drop only the invalid ones.
 */
export type DecodedList = {
  entries: AwsAuthEntry[];
  invalid: InvalidItem[];
  issues: AwsAuthIssue[];
  failure?: YamlProblem;
};

const FIELDS: Record<MappingList, ReadonlyMap<string, string>> = {
  mapRoles: new Map(['rolearn', 'sso', 'username', 'groups', 'userid'].map((f) => [f, f])),
  mapUsers: new Map(['userarn', 'username', 'groups', 'userid'].map((f) => [f, f])),
};
const SSO_FIELDS: ReadonlyMap<string, keyof SsoMatcher> = new Map([
  ['permissionsetname', 'permissionSetName'],
  ['accountid', 'accountID'],
  ['partition', 'partition'],
]);

export function decodeList(list: MappingList, root: GoNode | undefined): DecodedList {
  const decoded: DecodedList = { entries: [], invalid: [], issues: [] };
  if (root === undefined || (root.type === 'scalar' && root.kind === 'null')) return decoded;
  if (root.type !== 'seq') {
    const message = `${list} must be a YAML list of items, found ${describeShape(root)}`;
    return { ...decoded, failure: { message, line: root.line, column: root.column } };
  }
  root.items.forEach((item, index) => {
    const result = decodeItem(list, item, index);
    decoded.issues.push(...result.issues);
    if ('entry' in result) decoded.entries.push(result.entry);
    else decoded.invalid.push(result.invalid);
  });
  return decoded;
}

type ItemResult = { issues: AwsAuthIssue[] } & ({ entry: AwsAuthEntry } | { invalid: InvalidItem });
type Ref = { list: MappingList; index: number; line: number };

function decodeItem(list: MappingList, node: GoNode, index: number): ItemResult {
  const ref: Ref = { list, index, line: node.line };
  if (node.type !== 'map') {
    const field = list === 'mapRoles' ? 'rolearn' : 'userarn';
    const reason = `expected a mapping with ${field}, found ${describeShape(node)}`;
    return { issues: [], invalid: { ...ref, raw: rawValue(node), code: 'not_a_mapping', reason } };
  }
  const issues: AwsAuthIssue[] = [];
  const fields = readFields(ref, node, FIELDS[list], issues);
  const common = {
    ...ref,
    raw: rawObject(node),
    spelling: Object.fromEntries([...fields.spelling]),
    username: fields.strings.get('username') ?? '',
    groups: fields.groups ?? [],
    userid: fields.strings.get('userid') ?? '',
  };
  issues.push(...foldedGroups(ref, common.groups));
  if (list === 'mapUsers') {
    const entry: UserEntry = { ...common, list, userarn: fields.strings.get('userarn') ?? '' };
    if (entry.userarn === '')
      return { issues, invalid: invalidItem(common, 'missing_arn', 'value for userarn must be supplied') };
    return { issues: [...issues, ...arnIssues(ref, 'userarn', entry.userarn)], entry };
  }
  const entry: RoleEntry = { ...common, list, rolearn: fields.strings.get('rolearn') ?? '' };
  if (fields.sso !== undefined) entry.sso = fields.sso;
  const problem = validateRole(entry);
  if (problem !== undefined) return { issues, invalid: invalidItem(common, problem.code, problem.reason) };
  if (entry.sso !== undefined) return { issues: [...issues, { ...ref, code: 'sso_matcher' }], entry };
  return { issues: [...issues, ...arnIssues(ref, 'rolearn', entry.rolearn)], entry };
}

type Fields = {
  strings: Map<string, string>;
  groups: string[] | undefined;
  sso: SsoMatcher | undefined;
  spelling: Map<string, string>;
};

function readFields(ref: Ref, node: GoMap, known: ReadonlyMap<string, string>, issues: AwsAuthIssue[]): Fields {
  const fields: Fields = { strings: new Map(), groups: undefined, sso: undefined, spelling: new Map() };
  const seen = new Map<string, string[]>();
  for (const [key, value] of sortedEntries(node)) {
    const field = known.get(foldFieldName(key));
    if (field === undefined) continue;
    seen.set(field, [...(seen.get(field) ?? []), key]);
    if (assign(ref, fields, field, value, issues)) fields.spelling.set(field, key);
  }
  for (const [field, spellings] of seen) {
    const repeated = spellings.some((s) => node.repeatedKeys.includes(s));
    if (spellings.length > 1 || repeated) {
      const used = fields.spelling.get(field) ?? spellings.at(-1) ?? field;
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
  if (text !== undefined) fields.strings.set(field, text);
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

function validateRole(
  entry: RoleEntry,
): { code: 'missing_arn' | 'rolearn_and_sso' | 'invalid_sso'; reason: string } | undefined {
  if (entry.rolearn === '' && entry.sso === undefined) {
    return { code: 'missing_arn', reason: 'one of rolearn or SSO must be supplied' };
  }
  if (entry.rolearn !== '' && entry.sso !== undefined) {
    return { code: 'rolearn_and_sso', reason: 'only one of rolearn or SSO can be supplied' };
  }
  const ssoProblem = entry.sso === undefined ? undefined : validateSso(entry.sso);
  return ssoProblem === undefined ? undefined : { code: 'invalid_sso', reason: ssoProblem };
}

function invalidItem(common: Ref & { raw: RawObject }, code: InvalidItem['code'], reason: string): InvalidItem {
  return { list: common.list, index: common.index, line: common.line, raw: common.raw, code, reason };
}

function foldedGroups(ref: Ref, groups: readonly string[]): AwsAuthIssue[] {
  return groups
    .filter((group) => / - /.test(group))
    .map((group) => ({ ...ref, code: 'folded_groups' as const, group, parts: group.split(/\s+-\s+/) }));
}

function arnIssues(ref: Ref, field: string, value: string): AwsAuthIssue[] {
  const parsed = parseArn(value);
  if (!isParsedArn(parsed)) return [{ ...ref, code: 'unparseable_arn', field, value, reason: parsed.reason }];
  const fix = awsAuthArn(parsed) ?? value;
  if (parsed.kind === 'role' && parsed.path !== '/') return [{ ...ref, code: 'role_arn_has_path', field, value, fix }];
  if (parsed.kind === 'assumed-role') return [{ ...ref, code: 'session_arn_in_rolearn', field, value, fix }];
  return [];
}

/**
 * Go's encoding/json matches a JSON key to a struct field ignoring case (simple Unicode folding, under which the
 * Kelvin sign is a 'k' and the long s an 's').
 */
export function foldFieldName(name: string): string {
  return name
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replaceAll('\u212a', 'k')
    .replaceAll('\u017f', 's');
}

// sigs.k8s.io/yaml re-encodes through a Go map, and Go's JSON encoder sorts map keys by their UTF-8 bytes;
// json.Unmarshal then visits them in that order, so among spellings of one field the last in that order wins.
function sortedEntries(node: GoMap): [string, GoNode][] {
  return [...node.entries].sort(([a], [b]) => compareUtf8(a, b));
}

function compareUtf8(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function describeShape(node: GoNode): string {
  const shape = shapeOf(node);
  if (shape === 'map') return 'a mapping';
  if (shape === 'seq') return 'a list';
  return shape === 'str' ? 'a string' : `a ${shape} value`;
}
