import { shapeOf } from './raw.ts';
import type { AwsAuthIssue } from './types.ts';
import type { GoNode, YamlProblem } from './yaml-reader.ts';

/**
 * mapAccounts goes straight through yaml.v2 into a Go []string: a scalar keeps its text exactly as written (an
 * unquoted `012345678901` stays `012345678901`), null becomes '', and a list or mapping item is dropped.
 */
export type DecodedAccounts = { accounts: string[]; issues: AwsAuthIssue[]; failure?: YamlProblem };

const ACCOUNT_ID = /^\d{12}$/;

export function decodeAccounts(root: GoNode | undefined): DecodedAccounts {
  const decoded: DecodedAccounts = { accounts: [], issues: [] };
  if (root === undefined || (root.type === 'scalar' && root.kind === 'null')) return decoded;
  if (root.type !== 'seq') {
    const message = 'mapAccounts must be a YAML list of account IDs';
    return { ...decoded, failure: { message, line: root.line, column: root.column } };
  }
  root.items.forEach((item, index) => {
    if (item.type !== 'scalar') {
      decoded.issues.push({ code: 'account_not_a_string', index, line: item.line, found: shapeOf(item) });
      return;
    }
    const written = item.kind === 'null' ? '' : item.text;
    decoded.accounts.push(written);
    if (ACCOUNT_ID.test(written)) return;
    if (item.kind === 'int' && /^\d{1,11}$/.test(written)) {
      const likely = written.padStart(12, '0');
      decoded.issues.push({ code: 'account_lost_leading_zeros', index, line: item.line, written, likely });
    } else {
      decoded.issues.push({ code: 'account_not_12_digits', index, line: item.line, written });
    }
  });
  return decoded;
}
