import { AWS_AUTH_KEYS, type AwsAuthDocument, type AwsAuthKey, type RawValue } from './types.ts';

/** The first reason a document is not fit to write over (eksctl refuses the same), or undefined. */
export type DocumentProblem = { key: string; message: string; line: number };

export function documentProblem(doc: AwsAuthDocument): DocumentProblem | undefined {
  for (const key of AWS_AUTH_KEYS) {
    const state = doc.keys[key];
    if (state.status === 'failed') return { key, message: state.error.message, line: state.error.line };
  }
  const wrong = doc.wrongCaseKeys[0];
  if (wrong !== undefined) {
    const message = `data key "${wrong.key}" is ignored by the authenticator (keys are case-sensitive; meant ${wrong.intended})`;
    return { key: wrong.key, message, line: 1 };
  }
  const invalid = doc.invalidItems[0];
  if (invalid !== undefined) {
    return {
      key: invalid.list,
      message: `invalid item dropped by the authenticator: ${invalid.reason}`,
      line: invalid.line,
    };
  }
  return undefined;
}

export function describeProblem(problem: DocumentProblem): string {
  return `${problem.key}, line ${problem.line}: ${problem.message}`;
}

/** ConfigMap data size as the API server counts it, in UTF-8 bytes (keys counted too, to stay on the safe side). */
export function dataBytes(data: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [key, value] of Object.entries(data)) total += utf8Length(key) + utf8Length(String(value));
  return total;
}

const NON_ASCII = /[\u0080-\uffff]/;

function utf8Length(text: string): number {
  let bytes = text.length;
  if (!NON_ASCII.test(text)) return bytes;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 2; // a surrogate pair: 2 UTF-16 units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Deep equality of two items as read (field order aside, which means nothing to the authenticator). Loops with
 * for…in rather than Object.keys: it runs for every item of two documents and must not allocate.
 */
export function sameRaw(a: RawValue, b: RawValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameRaw(a[i] as RawValue, b[i] as RawValue)) return false;
    return true;
  }
  const x = a as { readonly [key: string]: RawValue };
  const y = b as { readonly [key: string]: RawValue };
  let count = 0;
  for (const key in x) {
    if (!Object.hasOwn(y, key) || !sameRaw(x[key] as RawValue, y[key] as RawValue)) return false;
    count++;
  }
  for (const _ in y) count--;
  return count === 0;
}

export function isAwsAuthKey(key: string): key is AwsAuthKey {
  return (AWS_AUTH_KEYS as readonly string[]).includes(key);
}
