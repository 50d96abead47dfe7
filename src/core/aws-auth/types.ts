import type { GoScalarKind } from './go-scalars.ts';
import type { YamlProblem } from './yaml-reader.ts';

export type { YamlProblem } from './yaml-reader.ts';

/** The three data keys the authenticator reads, spelled exactly so (data keys are case-sensitive). */
export const AWS_AUTH_KEYS = ['mapRoles', 'mapUsers', 'mapAccounts'] as const;
export type AwsAuthKey = (typeof AWS_AUTH_KEYS)[number];
export type MappingList = 'mapRoles' | 'mapUsers';

/** An item as written, in JSON terms (non-string scalars as numbers, booleans and null; big integers as text). */
export type RawValue = string | number | boolean | null | readonly RawValue[] | { readonly [key: string]: RawValue };
export type RawObject = { readonly [key: string]: RawValue };

export type SsoMatcher = { permissionSetName: string; accountID: string; partition: string };

type EntryBase = {
  /** Position in the key's YAML list, counting every item (invalid ones included). */
  index: number;
  /** 1-based line of the item within the key's string. */
  line: number;
  /** The item as written: every field, unknown ones (`userid`, `sso`, anything else) included. */
  raw: RawObject;
  /** For each known field the authenticator read, the spelling used in the document (`rolearn` → `roleARN`). */
  spelling: Readonly<Record<string, string>>;
  /** The username template, unrendered; '' when absent (the authenticator does not require one). */
  username: string;
  /** Group templates, unrendered. A non-string element reads as '' (Go's zero value), as the authenticator does. */
  groups: readonly string[];
  userid: string;
};

export type RoleEntry = EntryBase & {
  list: 'mapRoles';
  /** The ARN exactly as written (the authenticator compares it ignoring case, and never strips a path). */
  rolearn: string;
  /** The open-source `sso:` matcher; only matches with the alpha SSORoleMatch feature gate. */
  sso?: SsoMatcher;
};

export type UserEntry = EntryBase & { list: 'mapUsers'; userarn: string };

export type AwsAuthEntry = RoleEntry | UserEntry;

export type InvalidItemCode = 'not_a_mapping' | 'missing_arn' | 'rolearn_and_sso' | 'invalid_sso';

/** An item the authenticator drops on its own (its siblings still load). */
export type InvalidItem = {
  list: MappingList;
  index: number;
  line: number;
  raw: RawValue;
  code: InvalidItemCode;
  /** The authenticator's own validation message. */
  reason: string;
};

export type KeyState =
  | { status: 'absent' }
  /** Present but skippable (`''`, `""`, two backticks, whitespace) or only comments: no mappings. */
  | { status: 'empty' }
  | { status: 'loaded' }
  /** The whole key is lost (syntax error, wrong shape, excessive aliasing); the other keys still load. */
  | { status: 'failed'; error: YamlProblem };

export type ShadowedDuplicate = {
  list: MappingList;
  /** The lower-cased ARN (or SSO pattern) the entries share. */
  key: string;
  shadowed: AwsAuthEntry;
  /** The last entry with that key: the one the authenticator uses. */
  winner: AwsAuthEntry;
  /**
   * False when the duplicates differ only in the case of a user ARN: newer authenticators key users by the exact
   * ARN and then pick among case-insensitive matches in Go map order, so either may answer.
   */
  isDeterministic: boolean;
};

type ItemRef = { list: MappingList; index: number; line: number };
type FoundShape = GoScalarKind | 'map' | 'seq';

export type AwsAuthIssue =
  /** A string field held another YAML type; the authenticator ignores the value (Go JSON type error). */
  | (ItemRef & { code: 'field_not_a_string'; field: string; found: FoundShape })
  /** `groups` was not a list (for example `groups: system:masters`): the item loads with no groups. */
  | (ItemRef & { code: 'groups_not_a_list'; found: FoundShape })
  | (ItemRef & { code: 'group_not_a_string'; position: number; found: FoundShape })
  | (ItemRef & { code: 'sso_not_a_mapping'; found: FoundShape })
  /** One field written several times (any case); the authenticator keeps `used`. */
  | (ItemRef & { code: 'duplicate_field'; field: string; spellings: readonly string[]; used: string })
  /** A mis-indented list folded into one group string, e.g. `system:bootstrappers - system:nodes`. */
  | (ItemRef & { code: 'folded_groups'; group: string; parts: readonly string[] })
  | (ItemRef & { code: 'unparseable_arn'; field: string; value: string; reason: string })
  /** A role ARN with a path never matches: callers are canonicalized without one. `fix` is the path-less ARN. */
  | (ItemRef & { code: 'role_arn_has_path'; field: string; value: string; fix: string })
  /** An STS session ARN never matches: callers are canonicalized to the IAM role ARN `fix`. */
  | (ItemRef & { code: 'session_arn_in_rolearn'; field: string; value: string; fix: string })
  /** An `sso:` matcher: it matches only when the authenticator runs with the alpha SSORoleMatch gate. */
  | (ItemRef & { code: 'sso_matcher' })
  | { code: 'account_not_a_string'; index: number; line: number; found: FoundShape }
  /** Probably an account ID some tool wrote as a number, losing its leading zeros; `likely` pads it back. */
  | { code: 'account_lost_leading_zeros'; index: number; line: number; written: string; likely: string }
  | { code: 'account_not_12_digits'; index: number; line: number; written: string }
  /** A non-standard YAML tag; read as a plain string, as yaml.v2 does. */
  | { code: 'custom_tag'; key: AwsAuthKey; tag: string; line: number; column: number }
  /** A second YAML document (`---`) in the value; the authenticator reads only the first. */
  | { code: 'extra_documents'; key: AwsAuthKey; line: number; column: number };

export type AwsAuthDocument = {
  keys: Readonly<Record<AwsAuthKey, KeyState>>;
  /** Valid role items in document order (duplicates included; see `shadowedDuplicates`). */
  mapRoles: readonly RoleEntry[];
  mapUsers: readonly UserEntry[];
  /** Account IDs as the authenticator keeps them: the text as written, never re-formatted. */
  mapAccounts: readonly string[];
  invalidItems: readonly InvalidItem[];
  shadowedDuplicates: readonly ShadowedDuplicate[];
  /** Data keys that differ from a real key only in case; the authenticator ignores them. */
  wrongCaseKeys: readonly { key: string; intended: AwsAuthKey }[];
  /** Other data keys, preserved but never read. */
  unknownKeys: readonly string[];
  issues: readonly AwsAuthIssue[];
};
