import { describe, expect, it } from 'vitest';
import { askFactsFrom } from '../../../../src/core/intent/ask.ts';
import { findPastedIdentity } from '../../../../src/core/intent/pasted-identity.ts';

const CALLER = `{
    "UserId": "AROAEXAMPLEID:alice",
    "Account": "111122223333",
    "Arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice"
}`;

describe('pasted identities', () => {
  it.each([
    [
      'get-caller-identity output',
      `why am I unauthorized on prod\n\`\`\`${CALLER}\`\`\``,
      {
        kind: 'caller_identity',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
        account: '111122223333',
        userId: 'AROAEXAMPLEID:alice',
      },
    ],
    [
      'a bare ARN',
      'why unauthorized on prod as arn:aws:iam::111122223333:role/platform/bob-admin',
      {
        kind: 'arn',
        arn: 'arn:aws:iam::111122223333:role/platform/bob-admin',
      },
    ],
    [
      'JSON that is something else',
      'why prod {"cluster": {"name": "prod"}}',
      {
        kind: 'not_caller_identity',
        reason: 'the pasted JSON is not the output of `aws sts get-caller-identity` (it needs UserId, Account and Arn)',
      },
    ],
    ['nothing', 'why am I unauthorized on prod', { kind: 'none' }],
    [
      'a garbage ARN',
      'why prod as arn:aws:iam::12:role/x',
      {
        kind: 'invalid_arn',
        given: 'arn:aws:iam::12:role/x',
        reason: 'the account must be 12 digits',
      },
    ],
    ['a broken brace pair', 'why { prod', { kind: 'none' }],
  ])('reads %s', (_, text, expected) => {
    expect(findPastedIdentity(text)).toEqual(expected);
  });

  it('refuses to read huge JSON', () => {
    expect(findPastedIdentity(`{"a":"${'x'.repeat(20_000)}"}`).kind).toBe('not_caller_identity');
  });
});

describe('what the person says about the call', () => {
  it.each([
    ['kubectl get pods -n payments says Unauthorized', { namespace: 'payments' }],
    ['forbidden in namespace Billing on prod', { namespace: 'billing' }],
    ['kubectl --as=system:admin get pods fails', { isImpersonating: true }],
    ['why am I unauthorized on prod', {}],
  ])('%s', (text, expected) => {
    expect(askFactsFrom(text)).toEqual(expected);
  });
});
