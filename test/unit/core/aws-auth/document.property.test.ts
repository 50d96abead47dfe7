import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';

const KEYS = ['mapRoles', 'mapUsers', 'mapAccounts', 'MapRoles', 'other'] as const;

// Pieces of YAML that reach the interesting paths: indentation, flow and block collections, anchors, aliases,
// merge keys, tags, quotes, comments and documents.
const yamlToken = fc.constantFrom(
  '- ',
  '  ',
  '\n',
  '\t',
  ': ',
  'rolearn',
  'RoleArn',
  'userarn',
  'groups',
  'username',
  'sso',
  'permissionSetName',
  'accountID',
  'arn:aws:iam::111122223333:role/a',
  'arn:aws:sts::111122223333:assumed-role/a/s',
  '[',
  ']',
  '{',
  '}',
  ', ',
  '&a ',
  '*a',
  '<<: ',
  '!!str ',
  '!evil ',
  '"',
  "'",
  '# c',
  '---',
  '|',
  '>',
  '~',
  'yes',
  '012345678901',
  '.inf',
  '? ',
  '{{SessionName}}',
);
const yamlish = fc.array(yamlToken, { maxLength: 40 }).map((tokens) => tokens.join(''));

describe('parseAwsAuth never throws', () => {
  it('on arbitrary strings under any key', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), fc.string({ maxLength: 200 })), (data) => {
        const doc = parseAwsAuth(data);
        expect(doc.keys.mapRoles.status).toBeTypeOf('string');
      }),
      { numRuns: 300 },
    );
  });

  it('on YAML-shaped noise under any key', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), yamlish), (data) => {
        const doc = parseAwsAuth(data);
        for (const key of ['mapRoles', 'mapUsers', 'mapAccounts'] as const) {
          const state = doc.keys[key];
          if (state.status === 'failed') expect(state.error.line).toBeGreaterThanOrEqual(1);
        }
        expect(doc.mapRoles.every((entry) => entry.rolearn !== '' || entry.sso !== undefined)).toBe(true);
        expect(doc.mapUsers.every((entry) => entry.userarn !== '')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
