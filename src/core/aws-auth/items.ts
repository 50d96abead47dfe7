import { awsAuthArn, isParsedArn, PARTITIONS, parseArn } from '../identity/arn.ts';
import { FIELDS, type Fields, plainFields, plainSpelling, type Ref, readFields } from './item-fields.ts';
import { rawObject, rawValue, shapeOf } from './raw.ts';
import { validateSso } from './sso-matcher.ts';
import type {
  AwsAuthEntry,
  AwsAuthIssue,
  InvalidItem,
  MappingList,
  RawObject,
  RawValue,
  RoleEntry,
  UserEntry,
} from './types.ts';
import type { GoNode, YamlProblem } from './yaml-reader.ts';

export { foldFieldName } from './item-fields.ts';

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

export function decodeList(list: MappingList, root: GoNode | undefined): DecodedList {
  const decoded: DecodedList = { entries: [], invalid: [], issues: [] };
  if (root === undefined || (root.type === 'scalar' && root.kind === 'null')) return decoded;
  if (root.type !== 'seq') {
    const message = `${list} must be a YAML list of items, found ${describeShape(root)}`;
    return { ...decoded, failure: { message, line: root.line, column: root.column } };
  }
  const { items } = root;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (item === undefined) continue;
    decodeItem(list, item, index, decoded);
  }
  return decoded;
}

/** Decodes the items of a located list: plain ones from the scanner's fields, the others from their tree. */
export function decodeLocated(
  list: MappingList,
  items: readonly { index: number; line: number; node?: GoNode; plain?: PlainItem }[],
): DecodedList {
  const decoded: DecodedList = { entries: [], invalid: [], issues: [] };
  for (const item of items) {
    if (item.plain !== undefined) decodePlainItem(list, item.plain, item.index, item.line, decoded);
    else if (item.node !== undefined) decodeItem(list, item.node, item.index, decoded);
  }
  return decoded;
}

// Pushes the item's issues, then the entry or the invalid item, straight into the list's result (no per-item
// arrays: this runs for every item of documents with thousands).
function decodeItem(list: MappingList, node: GoNode, index: number, decoded: DecodedList): void {
  if (node.type !== 'map') {
    const field = list === 'mapRoles' ? 'rolearn' : 'userarn';
    const reason = `expected a mapping with ${field}, found ${describeShape(node)}`;
    decoded.invalid.push({ list, index, line: node.line, raw: rawValue(node), code: 'not_a_mapping', reason });
    return;
  }
  const ref: Ref = { list, index, line: node.line };
  const fields = plainFields(list, node) ?? readFields(ref, node, FIELDS[list], decoded.issues);
  finishItem(ref, rawObject(node), fields, decoded);
}

/**
 * An item the fast scanner found plain (known fields in lower case, each once, string values, a list of strings
 * for groups, a non-empty ARN): decoded without building its YAML tree. Same result as decodeItem on that tree.
 */
export type PlainItem = {
  /** Field names in document order. */
  keys: readonly string[];
  strings: Record<string, string>;
  /** A fresh array the entry takes over. */
  groups: string[] | undefined;
};

export function decodePlainItem(list: MappingList, item: PlainItem, index: number, line: number, decoded: DecodedList) {
  const raw: Record<string, RawValue> = {};
  for (const key of item.keys) raw[key] = key === 'groups' ? [...(item.groups ?? [])] : (item.strings[key] ?? '');
  const spelling = plainSpelling(list, item);
  const fields: Fields = { strings: item.strings, groups: item.groups, sso: undefined, spelling };
  finishItem({ list, index, line }, raw, fields, decoded);
}

function finishItem(ref: Ref, raw: RawObject, fields: Fields, decoded: DecodedList): void {
  const { list, index, line } = ref;
  const { issues } = decoded;
  // Object literals, not spreads: spreads of this size are several times slower, and this runs per item.
  const { spelling, strings } = fields;
  const username = strings['username'] ?? '';
  const groups = fields.groups ?? [];
  const userid = strings['userid'] ?? '';
  pushFoldedGroups(issues, ref, groups);
  if (list === 'mapUsers') {
    const userarn = strings['userarn'] ?? '';
    if (userarn === '') {
      const reason = 'value for userarn must be supplied';
      decoded.invalid.push({ list, index, line, raw, code: 'missing_arn', reason });
      return;
    }
    const entry: UserEntry = { list, index, line, raw, spelling, username, groups, userid, userarn };
    pushArnIssues(issues, ref, 'userarn', userarn);
    decoded.entries.push(entry);
    return;
  }
  const rolearn = strings['rolearn'] ?? '';
  const entry: RoleEntry = { list, index, line, raw, spelling, username, groups, userid, rolearn };
  if (fields.sso !== undefined) entry.sso = fields.sso;
  const problem = validateRole(entry);
  if (problem !== undefined) {
    decoded.invalid.push({ list, index, line, raw, ...problem });
    return;
  }
  if (entry.sso !== undefined) issues.push({ ...ref, code: 'sso_matcher' });
  else pushArnIssues(issues, ref, 'rolearn', entry.rolearn);
  decoded.entries.push(entry);
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

function pushFoldedGroups(issues: AwsAuthIssue[], ref: Ref, groups: readonly string[]): void {
  for (const group of groups) {
    if (group.includes(' - ')) {
      issues.push({ ...ref, code: 'folded_groups', group, parts: group.split(/\s+-\s+/) });
    }
  }
}

// ARNs parseArn accepts with nothing to report: a path-less role, any user. Checked first since it runs per item.
const PARTITION = [...PARTITIONS].map((p) => p.replaceAll('-', '\\-')).join('|');
const CLEAN_ARN = new RegExp(
  `^arn:(?:${PARTITION}):iam::\\d{12}:(?:role/[\\w+=,.@-]{1,64}|user/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,128})$`,
);
const MAX_ARN_LENGTH = 2048;

const CLEAN_AWS_ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]{1,64}$/;

function pushArnIssues(issues: AwsAuthIssue[], ref: Ref, field: string, value: string): void {
  if (CLEAN_AWS_ROLE_ARN.test(value) || (value.length <= MAX_ARN_LENGTH && CLEAN_ARN.test(value))) return;
  const parsed = parseArn(value);
  if (!isParsedArn(parsed)) {
    issues.push({ ...ref, code: 'unparseable_arn', field, value, reason: parsed.reason });
    return;
  }
  if (parsed.kind === 'role' && parsed.path !== '/') {
    issues.push({ ...ref, code: 'role_arn_has_path', field, value, fix: awsAuthArn(parsed) ?? value });
  } else if (parsed.kind === 'assumed-role') {
    issues.push({ ...ref, code: 'session_arn_in_rolearn', field, value, fix: awsAuthArn(parsed) ?? value });
  }
}

function describeShape(node: GoNode): string {
  const shape = shapeOf(node);
  if (shape === 'map') return 'a mapping';
  if (shape === 'seq') return 'a list';
  return shape === 'str' ? 'a string' : `a ${shape} value`;
}
