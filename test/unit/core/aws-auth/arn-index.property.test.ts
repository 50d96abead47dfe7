import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { awsAuthArnIndex } from '../../../../src/core/aws-auth/arn-index.ts';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import { matchCaller } from '../../../../src/core/aws-auth/match.ts';

const ACCOUNT = '111122223333';
// Few names in mixed case and with paths, so documents hold duplicates, case variants and role/user mix-ups.
const name = fc.constantFrom('bob', 'Bob', 'BOB', 'carol', 'ops/erin', 'platform/bob', 'Admin');
const kind = fc.constantFrom('role', 'user');
const arn = fc.tuple(kind, name).map(([k, n]) => `arn:aws:iam::${ACCOUNT}:${k}/${n}`);
const roleItem = fc.oneof(
  fc.record({ rolearn: arn, username: fc.constantFrom('a', 'b-{{SessionName}}', ''), groups: fc.constant(['view']) }),
  fc.record({
    sso: fc.record({ permissionSetName: fc.constantFrom('Admin', 'bob'), accountID: fc.constant(ACCOUNT) }),
    username: fc.constant('sso-user'),
  }),
);
const userItem = fc.record({ userarn: arn, username: fc.constantFrom('u', 'v') });
const document = fc.record({
  mapRoles: fc.array(roleItem, { maxLength: 8 }),
  mapUsers: fc.array(userItem, { maxLength: 6 }),
  mapAccounts: fc.constantFrom([], [ACCOUNT]),
});
const asked = fc.oneof(
  arn,
  name.map((n) => `arn:aws:sts::${ACCOUNT}:assumed-role/${n.split('/').at(-1)}/sess`),
  fc.constant(`arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_Admin_0123456789abcdef`),
  fc.constant('not-an-arn'),
);

describe('awsAuthArnIndex', () => {
  it('answers exactly as matchCaller on the whole document, for any document and ARN', () => {
    fc.assert(
      fc.property(document, fc.array(asked, { minLength: 1, maxLength: 6 }), (raw, arns) => {
        const doc = parseAwsAuth({
          mapRoles: stringify(raw.mapRoles),
          mapUsers: stringify(raw.mapUsers),
          mapAccounts: stringify(raw.mapAccounts),
        });
        const mapsArn = awsAuthArnIndex(doc);
        for (const a of arns) expect(mapsArn(a)).toEqual(matchCaller(doc, a));
      }),
      { numRuns: 400 },
    );
  });

  it('finds the last duplicate of a role named in a different case', () => {
    const doc = parseAwsAuth({
      mapRoles: stringify([
        { rolearn: `arn:aws:iam::${ACCOUNT}:role/Bob`, username: 'first', groups: ['view'] },
        { rolearn: `arn:aws:iam::${ACCOUNT}:role/bob`, username: 'second', groups: ['edit'] },
      ]),
    });
    const match = awsAuthArnIndex(doc)(`arn:aws:iam::${ACCOUNT}:role/BOB`);
    expect(match?.via).toBe('mapRoles');
    expect(match && 'entry' in match ? match.username : undefined).toBe('second');
  });
});
