import { describe, expect, it } from 'vitest';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';

const NODE_ROLE = 'arn:aws:iam::111122223333:role/eks-node-role';
const ADMIN_USER = 'arn:aws:iam::111122223333:user/admin';

const nodeItem = `- rolearn: ${NODE_ROLE}
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
`;
const adminUser = `- userarn: ${ADMIN_USER}
  username: admin
  groups:
    - system:masters
`;

describe('parseAwsAuth: keys on their own', () => {
  it('loses only mapRoles on a syntax error there, and says where (lines of that key)', () => {
    const mapRoles = `${nodeItem}- rolearn: arn:aws:iam::111122223333:role/ci\n\tgroups: [ci]\n`;

    const doc = parseAwsAuth({ mapRoles, mapUsers: adminUser });

    expect(doc.keys.mapRoles).toMatchObject({ status: 'failed', error: { line: 7 } });
    expect(doc.mapRoles).toEqual([]);
    expect(doc.keys.mapUsers).toEqual({ status: 'loaded' });
    expect(doc.mapUsers.map((u) => [u.userarn, u.username, u.groups])).toEqual([
      [ADMIN_USER, 'admin', ['system:masters']],
    ]);
  });

  it.each([
    ['an unclosed flow list (found at the end)', '- rolearn: x\n  groups: [a, b\n', 3],
    ['a tab indent', '- rolearn: x\n\tusername: y\n', 2],
    ['a stray dedented item', '- rolearn: x\n  groups:\n    - a\n  - b\n', 4],
  ])('reports %s with a 1-based line', (_, mapRoles, line) => {
    const state = parseAwsAuth({ mapRoles }).keys.mapRoles;

    expect(state.status).toBe('failed');
    expect(state.status === 'failed' && state.error.line).toBe(line);
    expect(state.status === 'failed' && state.error.column).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['a mapping instead of a list', 'rolearn: arn:aws:iam::111122223333:role/x\ngroups: [a]\n'],
    ['a bare string', 'arn:aws:iam::111122223333:role/x'],
  ])('fails mapRoles holding %s, as Go JSON decoding does', (_, mapRoles) => {
    const doc = parseAwsAuth({ mapRoles });

    expect(doc.keys.mapRoles).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('list') } });
    expect(doc.mapRoles).toEqual([]);
  });

  it.each([[''], ['   \n'], ['""'], ["''"], ['``'], ['  ""  ']])('skips the value %j', (value) => {
    const doc = parseAwsAuth({ mapRoles: value, mapUsers: value, mapAccounts: value });

    expect(doc.keys).toEqual({
      mapRoles: { status: 'empty' },
      mapUsers: { status: 'empty' },
      mapAccounts: { status: 'empty' },
    });
  });

  it('reads a value holding only comments as empty', () => {
    expect(parseAwsAuth({ mapRoles: '# nothing yet\n' }).keys.mapRoles).toEqual({ status: 'empty' });
  });

  it('ignores wrong-case data keys as the authenticator does, and names the intended key', () => {
    const doc = parseAwsAuth({ MapRoles: nodeItem, mapusers: adminUser, MAPACCOUNTS: '- "111122223333"' });

    expect(doc.keys).toEqual({
      mapRoles: { status: 'absent' },
      mapUsers: { status: 'absent' },
      mapAccounts: { status: 'absent' },
    });
    expect(doc.mapRoles).toEqual([]);
    expect(doc.wrongCaseKeys).toEqual([
      { key: 'MapRoles', intended: 'mapRoles' },
      { key: 'mapusers', intended: 'mapUsers' },
      { key: 'MAPACCOUNTS', intended: 'mapAccounts' },
    ]);
  });

  it('lists unknown data keys and reads around them', () => {
    const doc = parseAwsAuth({ mapRoles: nodeItem, 'mapRoles.backup': 'whatever', notes: 'x' });

    expect(doc.unknownKeys).toEqual(['mapRoles.backup', 'notes']);
    expect(doc.mapRoles).toHaveLength(1);
  });

  it('reads a document with comments everywhere', () => {
    const mapRoles = `# node roles, managed by EKS
- rolearn: ${NODE_ROLE} # do not touch
  # username below is a template
  username: system:node:{{EC2PrivateDNSName}}
  groups: # two groups
    - system:bootstrappers
    # - system:masters
    - system:nodes
`;

    const [entry] = parseAwsAuth({ mapRoles }).mapRoles;

    expect(entry).toMatchObject({ rolearn: NODE_ROLE, line: 2, groups: ['system:bootstrappers', 'system:nodes'] });
  });
});

describe('parseAwsAuth: items', () => {
  it('matches item field names ignoring case, and remembers the spelling', () => {
    const mapRoles = `- roleARN: ${NODE_ROLE}
  UserName: a
  GROUPS: [x]
- RoLeArN: arn:aws:iam::111122223333:role/b
  username: b
`;
    const mapUsers = `- UserArn: ${ADMIN_USER}\n  Groups: [system:masters]\n`;

    const doc = parseAwsAuth({ mapRoles, mapUsers });

    expect(doc.mapRoles.map((e) => [e.rolearn, e.username, e.groups, e.spelling['rolearn']])).toEqual([
      [NODE_ROLE, 'a', ['x'], 'roleARN'],
      ['arn:aws:iam::111122223333:role/b', 'b', [], 'RoLeArN'],
    ]);
    expect(doc.mapUsers[0]).toMatchObject({ userarn: ADMIN_USER, username: '', groups: ['system:masters'] });
    expect(doc.invalidItems).toEqual([]);
  });

  it('keeps the spelling Go JSON decoding ends with when a field is written twice', () => {
    const mapRoles =
      '- RoleArn: arn:aws:iam::111122223333:role/upper\n  rolearn: arn:aws:iam::111122223333:role/lower\n';

    const doc = parseAwsAuth({ mapRoles });

    // Keys are visited in sorted byte order ('R' < 'r'), so the lower-case spelling is applied last.
    expect(doc.mapRoles[0]?.rolearn).toBe('arn:aws:iam::111122223333:role/lower');
    expect(doc.issues).toContainEqual(
      expect.objectContaining({
        code: 'duplicate_field',
        field: 'rolearn',
        spellings: ['RoleArn', 'rolearn'],
        used: 'rolearn',
      }),
    );
  });

  it('preserves sso and userid items and unknown fields in raw', () => {
    const mapRoles = `- sso:
    permissionSetName: Admin
    accountID: "111122223333"
  username: sso-admin
  groups: [system:masters]
- rolearn: ${NODE_ROLE}
  userid: AROAEXAMPLEID
  x-team: platform
`;

    const doc = parseAwsAuth({ mapRoles });

    expect(doc.mapRoles[0]).toMatchObject({
      rolearn: '',
      sso: { permissionSetName: 'Admin', accountID: '111122223333', partition: '' },
      raw: { sso: { permissionSetName: 'Admin', accountID: '111122223333' }, username: 'sso-admin' },
    });
    expect(doc.mapRoles[1]).toMatchObject({
      userid: 'AROAEXAMPLEID',
      raw: { userid: 'AROAEXAMPLEID', 'x-team': 'platform' },
    });
    expect(doc.issues).toContainEqual(expect.objectContaining({ code: 'sso_matcher', index: 0 }));
  });

  it.each([
    ['no rolearn', '- username: x\n  groups: [a]\n', 'missing_arn', 'one of rolearn or SSO must be supplied'],
    [
      'rolearn and sso',
      `- rolearn: ${NODE_ROLE}\n  sso: {permissionSetName: A, accountID: "111122223333"}\n`,
      'rolearn_and_sso',
      'only one',
    ],
    ['an unquoted sso account', '- sso: {permissionSetName: A, accountID: 111122223333}\n', 'invalid_sso', 'AccountID'],
    [
      'an unknown sso partition',
      '- sso: {permissionSetName: A, accountID: "111122223333", partition: mars}\n',
      'invalid_sso',
      'partition',
    ],
    ['a numeric rolearn', '- rolearn: 12345\n', 'missing_arn', 'one of rolearn'],
    ['a plain string item', '- arn:aws:iam::111122223333:role/x\n', 'not_a_mapping', 'found a string'],
    ['an empty item', '-\n', 'not_a_mapping', 'null'],
  ])('drops an item with %s alone', (_, item, code, reason) => {
    const doc = parseAwsAuth({ mapRoles: `${nodeItem}${item}` });

    expect(doc.keys.mapRoles).toEqual({ status: 'loaded' });
    expect(doc.mapRoles.map((e) => e.rolearn)).toEqual([NODE_ROLE]);
    expect(doc.invalidItems).toEqual([
      expect.objectContaining({ list: 'mapRoles', index: 1, line: 6, code, reason: expect.stringContaining(reason) }),
    ]);
  });

  it('drops a user item without userarn, but never demands a username', () => {
    const mapUsers = `- username: ghost\n  groups: [a]\n- userarn: ${ADMIN_USER}\n`;

    const doc = parseAwsAuth({ mapUsers });

    expect(doc.mapUsers).toEqual([expect.objectContaining({ userarn: ADMIN_USER, username: '', index: 1 })]);
    expect(doc.invalidItems).toEqual([
      expect.objectContaining({ index: 0, reason: 'value for userarn must be supplied' }),
    ]);
  });

  it('loads an item whose groups is a string, with no groups, and reports the shape', () => {
    const doc = parseAwsAuth({ mapRoles: `- rolearn: ${NODE_ROLE}\n  groups: system:masters\n` });

    expect(doc.mapRoles[0]?.groups).toEqual([]);
    expect(doc.issues).toContainEqual(expect.objectContaining({ code: 'groups_not_a_list', found: 'str', index: 0 }));
  });

  it('detects groups folded into one string by a mis-indented line', () => {
    const mapRoles = `- rolearn: ${NODE_ROLE}
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
     - system:nodes
`;

    const doc = parseAwsAuth({ mapRoles });

    expect(doc.mapRoles[0]?.groups).toEqual(['system:bootstrappers - system:nodes']);
    expect(doc.issues).toContainEqual(
      expect.objectContaining({ code: 'folded_groups', parts: ['system:bootstrappers', 'system:nodes'] }),
    );
  });

  it.each([
    ['yes', 'bool'],
    ['on', 'bool'],
    ['0777', 'int'],
    ['1e3', 'float'],
    ['~', undefined],
  ])('reads username: %s like YAML 1.1 in Go (a non-string is ignored)', (value, found) => {
    const doc = parseAwsAuth({ mapRoles: `- rolearn: ${NODE_ROLE}\n  username: ${value}\n` });

    expect(doc.mapRoles[0]?.username).toBe('');
    const issue = doc.issues.find((i) => i.code === 'field_not_a_string');
    expect(issue === undefined ? undefined : 'found' in issue && issue.found).toBe(found ?? undefined);
  });

  it('flags role ARNs that can never match: a path, a session, a malformed value', () => {
    const mapRoles = `- rolearn: arn:aws:iam::111122223333:role/platform/bob-admin
- rolearn: arn:aws:sts::111122223333:assumed-role/bob-admin/bob
- rolearn: "arn:aws:iam::111122223333:role/bob\\nrolearn: x"
`;

    const codes = parseAwsAuth({ mapRoles }).issues.map((i) => [i.code, 'fix' in i ? i.fix : undefined]);

    expect(codes).toEqual([
      ['role_arn_has_path', 'arn:aws:iam::111122223333:role/bob-admin'],
      ['session_arn_in_rolearn', 'arn:aws:iam::111122223333:role/bob-admin'],
      ['unparseable_arn', undefined],
    ]);
  });

  it.each([
    ['a newline', '"arn:aws:iam::111122223333:role/a\\nusername: x"', 'arn:aws:iam::111122223333:role/a\nusername: x'],
    [
      'a template',
      "'arn:aws:iam::111122223333:role/{{SessionName}}'",
      'arn:aws:iam::111122223333:role/{{SessionName}}',
    ],
    ['a pipe', '"arn:aws:iam::111122223333:role/a|b"', 'arn:aws:iam::111122223333:role/a|b'],
    ['an ampersand', 'arn:aws:iam::111122223333:role/a&b', 'arn:aws:iam::111122223333:role/a&b'],
    ['a tag indicator', 'arn:aws:iam::111122223333:role/a!!b', 'arn:aws:iam::111122223333:role/a!!b'],
    ['an explicit !!str tag', '!!str arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/a'],
  ])('reads an ARN with %s as an opaque string', (_, written, value) => {
    const doc = parseAwsAuth({ mapRoles: `- rolearn: ${written}\n  groups: [a]\n` });

    expect(doc.mapRoles.map((e) => e.rolearn)).toEqual([value]);
    expect(doc.mapRoles[0]?.groups).toEqual(['a']);
  });

  it('reads a custom tag as the plain string it tags, and reports it', () => {
    const doc = parseAwsAuth({ mapRoles: `- rolearn: !evil ${NODE_ROLE}\n` });

    expect(doc.mapRoles[0]?.rolearn).toBe(NODE_ROLE);
    expect(doc.issues).toContainEqual(
      expect.objectContaining({ code: 'custom_tag', key: 'mapRoles', tag: '!evil', line: 1 }),
    );
  });

  it('reads only the first YAML document, as yaml.v2 does', () => {
    const doc = parseAwsAuth({ mapRoles: `${nodeItem}---\n- rolearn: arn:aws:iam::111122223333:role/hidden\n` });

    expect(doc.mapRoles.map((e) => e.rolearn)).toEqual([NODE_ROLE]);
    expect(doc.issues).toContainEqual(expect.objectContaining({ code: 'extra_documents', key: 'mapRoles', line: 6 }));
  });
});

describe('parseAwsAuth: duplicates', () => {
  it('lets the last duplicate rolearn win (ignoring case) and lists the shadowed one', () => {
    const mapRoles = `- rolearn: arn:aws:iam::111122223333:role/Bob-Admin
  groups: [system:masters]
- rolearn: arn:aws:iam::111122223333:role/bob-admin
  groups: [view]
`;

    const [duplicate, ...rest] = parseAwsAuth({ mapRoles }).shadowedDuplicates;

    expect(rest).toEqual([]);
    expect(duplicate).toMatchObject({
      list: 'mapRoles',
      key: 'arn:aws:iam::111122223333:role/bob-admin',
      shadowed: { index: 0, groups: ['system:masters'] },
      winner: { index: 1, groups: ['view'] },
      isDeterministic: true,
    });
  });

  it('marks user duplicates that differ only in case as order-dependent in newer authenticators', () => {
    const mapUsers = `- userarn: ${ADMIN_USER}\n- userarn: ${ADMIN_USER.toUpperCase()}\n- userarn: ${ADMIN_USER}\n`;

    const shadowed = parseAwsAuth({ mapUsers }).shadowedDuplicates;

    expect(shadowed.map((d) => [d.shadowed.index, d.winner.index, d.isDeterministic])).toEqual([
      [0, 2, true],
      [1, 2, false],
    ]);
  });
});

describe('parseAwsAuth: mapAccounts', () => {
  it('keeps each account exactly as written, quoted or not', () => {
    const mapAccounts = `- "111122223333"
- 012345678901
- '222233334444'
- 12345678901
`;

    const doc = parseAwsAuth({ mapAccounts });

    expect(doc.mapAccounts).toEqual(['111122223333', '012345678901', '222233334444', '12345678901']);
    expect(doc.issues).toEqual([
      { code: 'account_lost_leading_zeros', index: 3, line: 4, written: '12345678901', likely: '012345678901' },
    ]);
  });

  it('drops nested items and flags odd ones, like yaml.v2 into []string', () => {
    const doc = parseAwsAuth({ mapAccounts: '- [111122223333]\n- "1234"\n- ~\n' });

    expect(doc.mapAccounts).toEqual(['1234', '']);
    expect(doc.issues.map((i) => i.code)).toEqual([
      'account_not_a_string',
      'account_not_12_digits',
      'account_not_12_digits',
    ]);
  });
});

describe('parseAwsAuth: anchors, aliases and size', () => {
  it('expands ordinary anchors, aliases and merge keys', () => {
    const mapRoles = `- &base
  rolearn: arn:aws:iam::111122223333:role/a
  username: shared
  groups: &admins [system:masters]
- <<: *base
  rolearn: arn:aws:iam::111122223333:role/b
- rolearn: arn:aws:iam::111122223333:role/c
  groups: *admins
`;

    const doc = parseAwsAuth({ mapRoles });

    expect(doc.mapRoles.map((e) => [e.rolearn, e.username, e.groups])).toEqual([
      ['arn:aws:iam::111122223333:role/a', 'shared', ['system:masters']],
      ['arn:aws:iam::111122223333:role/b', 'shared', ['system:masters']],
      ['arn:aws:iam::111122223333:role/c', '', ['system:masters']],
    ]);
  });

  it.each([
    [
      'a billion laughs',
      `${Array.from({ length: 9 }, (_, i) => {
        const name = String.fromCharCode(97 + i);
        const inner = i === 0 ? '"lol"' : `*${String.fromCharCode(96 + i)}`;
        return `- &${name} [${Array(9).fill(inner).join(',')}]`;
      }).join('\n')}\n`,
      'excessive aliasing',
    ],
    ['an alias inside its own anchor', '- &a [*a]\n', 'contains itself'],
    ['an unknown alias', `- *nowhere\n`, 'unknown anchor'],
  ])('fails the key, quickly, on %s', (_, mapRoles, message) => {
    const started = performance.now();

    const doc = parseAwsAuth({ mapRoles, mapUsers: adminUser });

    expect(performance.now() - started).toBeLessThan(1000);
    expect(doc.keys.mapRoles).toMatchObject({ status: 'failed', error: { message: expect.stringContaining(message) } });
    expect(doc.mapUsers).toHaveLength(1);
  });

  it('fails the key on nesting deeper than any aws-auth needs', () => {
    const mapRoles = `${'['.repeat(200)}${']'.repeat(200)}`;

    expect(parseAwsAuth({ mapRoles }).keys.mapRoles).toMatchObject({ status: 'failed' });
  });

  it('parses a ~900 KiB document', { timeout: 20_000 }, () => {
    const item = (i: number) =>
      `- rolearn: arn:aws:iam::111122223333:role/team-${i}\n  username: team-${i}:{{SessionName}}\n  groups: [team-${i}, view]\n`;
    const count = Math.ceil((900 * 1024) / item(0).length);
    const mapRoles = Array.from({ length: count }, (_, i) => item(i)).join('');

    const doc = parseAwsAuth({ mapRoles });

    expect(mapRoles.length).toBeGreaterThan(900 * 1024);
    expect(doc.mapRoles).toHaveLength(count);
    expect(doc.mapRoles.at(-1)).toMatchObject({ index: count - 1, line: 3 * count - 2 });
  });
});
