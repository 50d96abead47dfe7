/**
 * How gopkg.in/yaml.v2 (which the authenticator uses, directly for mapAccounts and through sigs.k8s.io/yaml for
 * mapRoles/mapUsers) resolves a plain scalar: YAML 1.1 booleans and nulls, Go-syntax integers, floats, or a string.
 * Timestamps stay strings when decoding into interface{}, so they are strings here too.
 */
export type GoScalarKind = 'str' | 'int' | 'float' | 'bool' | 'null';

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const SPECIAL_FLOATS = new Set([
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
]);
// strconv.ParseInt(s, 0, 64) syntax, after yaml.v2 removed every '_'.
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export function resolvePlain(text: string): GoScalarKind {
  // Fast path: the longest bool or null word is 5 letters, and numbers never start with a letter.
  if (text.length > 5 && isAsciiLetter(text.charCodeAt(0))) return 'str';
  if (NULLS.has(text)) return 'null';
  if (TRUES.has(text) || FALSES.has(text)) return 'bool';
  if (SPECIAL_FLOATS.has(text)) return 'float';
  if (goInteger(text) !== undefined) return 'int';
  if (YAML_FLOAT.test(text.replaceAll('_', ''))) return 'float';
  return 'str';
}

/** The value of a plain scalar yaml.v2 reads as an integer (int64, or uint64 when positive), else undefined. */
export function goInteger(text: string): bigint | undefined {
  const plain = text.replaceAll('_', '');
  if (!GO_INT.test(plain)) return undefined;
  const negative = plain.startsWith('-');
  const unsigned = plain.replace(/^[-+]/, '');
  const value = BigInt(toBigIntLiteral(unsigned));
  const signed = negative ? -value : value;
  if (signed > UINT64_MAX || signed < -INT64_MAX - 1n) return undefined;
  if (negative || signed <= INT64_MAX || !plain.startsWith('+')) return signed;
  return undefined; // ParseUint refuses a sign
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isBoolTrue(text: string): boolean {
  return TRUES.has(text);
}

export function isSpecialFloat(text: string): boolean {
  return SPECIAL_FLOATS.has(text);
}

function toBigIntLiteral(unsigned: string): string {
  // Go treats a leading 0 as octal; BigInt wants 0o.
  if (/^0[0-7]+$/.test(unsigned)) return `0o${unsigned.slice(1)}`;
  if (/^0[oO]/.test(unsigned)) return `0o${unsigned.slice(2)}`;
  return unsigned;
}
