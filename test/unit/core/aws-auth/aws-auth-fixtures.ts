import fc from 'fast-check';
import type { AwsAuthOp } from '../../../../src/core/aws-auth/edit.ts';

/** Shared fixtures for the aws-auth write side: ARNs, hostile strings, and generators of valid documents. */
export const ACCOUNT = '111122223333';
export const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
export const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

export const NODE_ITEM = `- rolearn: ${role('eks-node-role')}
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
`;
export const FARGATE_ITEM = `- rolearn: ${role('eks-fargate-pods')}
  username: system:node:{{SessionName}}
  groups:
    - system:bootstrappers
    - system:nodes
    - system:node-proxier
`;
export const WINDOWS_ITEM = `- rolearn: ${role('eks-windows-nodes')}
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - eks:kube-proxy-windows
    - system:bootstrappers
    - system:nodes
`;

export function upsert(id: string, arn: string, username: string, groups: readonly string[]): AwsAuthOp {
  const kind = arn.includes(':user/') ? 'user' : 'role';
  return { op: 'upsert', id, item: { kind, arn, username, groups } };
}

export function remove(id: string, arn: string): AwsAuthOp {
  return { op: 'remove', id, kind: arn.includes(':user/') ? 'user' : 'role', arn };
}

/** Strings that would change a document's structure if written carelessly. */
export const HOSTILE_STRINGS: readonly [string, string][] = [
  [
    'a newline and a new item',
    'eks-access:a\n- rolearn: arn:aws:iam::111122223333:role/evil\n  groups: [system:masters]',
  ],
  ['": "', 'a: b'],
  ['a comment', 'a #b'],
  ['a template', '{{SessionName}}'],
  ['a block scalar indicator', '| x'],
  ['a folded scalar indicator', '>'],
  ['an anchor', '&anchor x'],
  ['an alias', '*anchor'],
  ['a tag', '!!python/object x'],
  ['a leading dash', '- x'],
  ['double quotes', 'say "hi"'],
  ['single quotes', "it's"],
  ['a backslash', 'a\\nb'],
  ['a flow mapping', '{a: b}'],
  ['a flow sequence', '[a, b]'],
  ['a document marker', '---'],
  ['a document end', '...'],
  ['a directive', '%YAML 1.1'],
  ['a YAML 1.1 boolean', 'yes'],
  ['null', 'null'],
  ['an octal-looking number', '0777'],
  ['infinity', '.inf'],
  ['a tilde', '~'],
  ['a question mark', '? x'],
  ['leading and trailing spaces', '  padded  '],
  ['a tab and CR', 'a\tb\rc'],
  ['NEL and line separators', 'a\u0085b\u2028c\u2029d'],
  ['a BOM and a NUL', '\ufeffa\u0000b'],
  ['emoji and accents', 'équipe 🚀 ✓'],
  ['right-to-left text', '\u202eevil'],
  ['10 KB', 'x'.repeat(10 * 1024)],
  ['10 KB of hostility', '\n- a: b # '.repeat(1024)],
];

/** ARNs that must never reach the document. */
export const HOSTILE_ARNS: readonly [string, string][] = [
  ['a newline', `${role('a')}\n- rolearn: ${role('evil')}`],
  ['a template', role('{{SessionName}}')],
  ['a pipe', role('a|b')],
  ['an ampersand', role('a&b')],
  ['a tag', role('a!!b')],
  ['a comment', role('a #b')],
  ['a colon-space', role('a: b')],
  ['quotes', role('a"b')],
  ['a session ARN', `arn:aws:sts::${ACCOUNT}:assumed-role/admin/alice`],
  ['a path', role('platform/alice')],
  ['root', `arn:aws:iam::${ACCOUNT}:root`],
  ['a federated user', `arn:aws:sts::${ACCOUNT}:federated-user/bob`],
  ['another service', `arn:aws:s3:::${ACCOUNT}`],
  ['10 KB', role('x'.repeat(10 * 1024))],
];

// ---- Generators of valid documents, in the many layouts people and tools write ----

export type GeneratedItem = { arn: string; isNode: boolean; isAdmin: boolean };
export type GeneratedDoc = {
  data: Record<string, string>;
  roles: readonly GeneratedItem[];
  users: readonly GeneratedItem[];
};

const personNames = fc.constantFrom('alice', 'bob', 'carol', 'dave', 'Erin', 'frank-ci', 'gina.ops', 'AdminRole');
const plainValue = fc.constantFrom('eks-access:view', 'eks-access:edit', 'team-a', 'view', 'dev:readers');
const styledValue = fc.oneof(
  plainValue,
  plainValue.map((v) => JSON.stringify(v)),
  plainValue.map((v) => `'${v}'`),
  fc.constantFrom(...HOSTILE_STRINGS.slice(0, 12).map(([, v]) => JSON.stringify(v))),
);
const comment = fc.constantFrom('', '', '', '  # a comment', ' #c');
const layout = fc.record({
  seqIndent: fc.constantFrom(0, 0, 2),
  dashGap: fc.constantFrom(1, 1, 2),
  groupsOffset: fc.constantFrom(0, 2, 2, 4),
  flowGroups: fc.boolean(),
});

type Layout = { seqIndent: number; dashGap: number; groupsOffset: number; flowGroups: boolean };
type Field = { key: string; value: string | readonly string[] };

function renderItem(fields: readonly Field[], style: Layout, trailing: string): string {
  const pad = ' '.repeat(style.seqIndent);
  const fieldPad = ' '.repeat(style.seqIndent + 1 + style.dashGap);
  return fields
    .map((field, i) => {
      const prefix = i === 0 ? `${pad}-${' '.repeat(style.dashGap)}` : fieldPad;
      if (typeof field.value === 'string') return `${prefix}${field.key}: ${field.value}${i === 0 ? trailing : ''}\n`;
      if (style.flowGroups) return `${prefix}${field.key}: [${field.value.join(', ')}]\n`;
      const itemPad = ' '.repeat(style.seqIndent + 1 + style.dashGap + style.groupsOffset);
      return `${prefix}${field.key}:\n${field.value.map((g) => `${itemPad}- ${g}\n`).join('')}`;
    })
    .join('');
}

type RoleSpec =
  | { kind: 'node' | 'fargate' | 'admin' | 'sso' }
  | {
      kind: 'person';
      name: string;
      username: string;
      groups: string[];
      spelling: string;
      extra: string;
      upperCase: boolean;
    };

const roleItem: fc.Arbitrary<RoleSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'node' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'fargate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'admin' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sso' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('person' as const),
      name: personNames,
      username: styledValue,
      groups: fc.array(styledValue, { minLength: 1, maxLength: 3 }),
      spelling: fc.constantFrom('rolearn', 'rolearn', 'roleARN', 'RoleArn'),
      extra: fc.constantFrom('', '', 'userid', 'x-team'),
      upperCase: fc.boolean(),
    }),
  },
);

function roleFields(spec: RoleSpec): { fields: Field[]; item?: GeneratedItem } {
  switch (spec.kind) {
    case 'node':
      return {
        fields: [
          { key: 'rolearn', value: role('eks-node-role') },
          { key: 'username', value: 'system:node:{{EC2PrivateDNSName}}' },
          { key: 'groups', value: ['system:bootstrappers', 'system:nodes'] },
        ],
        item: { arn: role('eks-node-role'), isNode: true, isAdmin: false },
      };
    case 'fargate':
      return {
        fields: [
          { key: 'rolearn', value: role('eks-fargate-pods') },
          { key: 'username', value: 'system:node:{{SessionName}}' },
          { key: 'groups', value: ['system:bootstrappers', 'system:nodes', 'system:node-proxier'] },
        ],
        item: { arn: role('eks-fargate-pods'), isNode: true, isAdmin: false },
      };
    case 'admin':
      return {
        fields: [
          { key: 'rolearn', value: role('break-glass') },
          { key: 'username', value: 'break-glass' },
          { key: 'groups', value: ['system:masters'] },
        ],
        item: { arn: role('break-glass'), isNode: false, isAdmin: true },
      };
    case 'sso':
      return {
        fields: [
          { key: 'sso', value: `{permissionSetName: ReadOnly, accountID: "${ACCOUNT}"}` },
          { key: 'username', value: 'sso-readers' },
          { key: 'groups', value: ['eks-access:view'] },
        ],
      };
    case 'person': {
      const arn = role(spec.upperCase ? spec.name.toUpperCase() : spec.name);
      const fields: Field[] = [
        { key: spec.spelling, value: arn },
        { key: 'username', value: spec.username },
        { key: 'groups', value: spec.groups },
      ];
      if (spec.extra === 'userid') fields.push({ key: 'userid', value: 'AROAEXAMPLEID' });
      if (spec.extra === 'x-team') fields.push({ key: 'x-team', value: 'platform' });
      return { fields, item: { arn, isNode: false, isAdmin: false } };
    }
  }
}

const userItem = fc.record({
  name: personNames,
  username: styledValue,
  groups: fc.array(styledValue, { minLength: 1, maxLength: 2 }),
});

export const awsAuthDocument: fc.Arbitrary<GeneratedDoc> = fc
  .record({
    roles: fc.array(fc.tuple(roleItem, comment, fc.constantFrom('', '', '# about the next item\n', '\n')), {
      maxLength: 8,
    }),
    users: fc.array(userItem, { maxLength: 3 }),
    roleLayout: layout,
    userLayout: layout,
    extraKeys: fc.boolean(),
  })
  .map(({ roles, users, roleLayout, userLayout, extraKeys }) => {
    const roleItems: GeneratedItem[] = [];
    const mapRoles = roles
      .map(([spec, trailing, before]) => {
        const { fields, item } = roleFields(spec);
        if (item) roleItems.push(item);
        return before + renderItem(fields, roleLayout, trailing);
      })
      .join('');
    const userItems: GeneratedItem[] = users.map((u) => ({ arn: user(u.name), isNode: false, isAdmin: false }));
    const mapUsers = users
      .map((u) =>
        renderItem(
          [
            { key: 'userarn', value: user(u.name) },
            { key: 'username', value: u.username },
            { key: 'groups', value: u.groups },
          ],
          userLayout,
          '',
        ),
      )
      .join('');
    const data: Record<string, string> = { mapRoles };
    if (mapUsers !== '') data['mapUsers'] = mapUsers;
    if (extraKeys) {
      data['mapAccounts'] = `- "${ACCOUNT}"\n- '222233334444'\n`;
      data['notes.txt'] = 'kept as is: mapRoles: |\n  - rolearn: x\n';
    }
    return { data, roles: roleItems, users: userItems };
  });

const opUsername = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('eks-access:alice', 'eks-access:bob', 'eks-access:new') },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.map(([, v]) => v)) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
);
const opGroups = fc.array(
  fc.oneof(
    fc.constantFrom('eks-access:view', 'eks-access:edit', 'eks-access:admin', 'eks-access:cluster-admin'),
    fc.constantFrom(...HOSTILE_STRINGS.slice(0, 20).map(([, v]) => v)),
  ),
  { minLength: 1, maxLength: 3 },
);

/** Ops against a generated document: existing ARNs (nodes included), new ones, roles and users. */
export function opsFor(doc: GeneratedDoc): fc.Arbitrary<AwsAuthOp[]> {
  const existing = [...doc.roles, ...doc.users].map((item) => item.arn);
  const arns = fc.oneof(
    fc.constantFrom(role('alice'), role('new-person'), role('ALICE'), user('new-user'), role('eks-node-role')),
    ...(existing.length > 0 ? [fc.constantFrom(...existing)] : []),
  );
  const op = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(arns, opUsername, opGroups).map(([arn, u, g]) => ({ arn, u, g, remove: false })) },
    { weight: 1, arbitrary: arns.map((arn) => ({ arn, u: '', g: [] as string[], remove: true })) },
  );
  return fc
    .array(op, { minLength: 1, maxLength: 5 })
    .map((list) => list.map((o, i) => (o.remove ? remove(`op${i}`, o.arn) : upsert(`op${i}`, o.arn, o.u, o.g))));
}
