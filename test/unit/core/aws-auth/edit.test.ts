import { describe, expect, it } from 'vitest';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import { editAwsAuth } from '../../../../src/core/aws-auth/edit.ts';
import {
  ACCOUNT,
  FARGATE_ITEM,
  HOSTILE_ARNS,
  HOSTILE_STRINGS,
  NODE_ITEM,
  remove,
  role,
  upsert,
  user,
  WINDOWS_ITEM,
} from './aws-auth-fixtures.ts';

const ALICE = role('alice');
const view = ['eks-access:view'];

describe('editAwsAuth: adding an item', () => {
  it.each([
    [
      'indented block groups',
      `- rolearn: ${role('bob')}\n  username: bob\n  groups:\n    - team-b\n`,
      `- rolearn: ${ALICE}\n  username: eks-access:alice\n  groups:\n    - eks-access:view\n`,
    ],
    [
      'compact block groups (eksctl)',
      `- groups:\n  - team-b\n  rolearn: ${role('bob')}\n  username: bob\n`,
      `- rolearn: ${ALICE}\n  username: eks-access:alice\n  groups:\n  - eks-access:view\n`,
    ],
    [
      'flow groups',
      `- rolearn: ${role('bob')}\n  groups: [team-b]\n`,
      `- rolearn: ${ALICE}\n  username: eks-access:alice\n  groups: [eks-access:view]\n`,
    ],
    [
      'an indented list, wide dash',
      `  -   rolearn: ${role('bob')}\n      groups:\n        - team-b\n`,
      `  -   rolearn: ${ALICE}\n      username: eks-access:alice\n      groups:\n        - eks-access:view\n`,
    ],
  ])('appends at the end in the style of the list: %s', (_, mapRoles, added) => {
    const out = editAwsAuth({ mapRoles }, [upsert('r1', ALICE, 'eks-access:alice', view)]);

    expect(out.data['mapRoles']).toBe(mapRoles + added);
    expect(out.changed).toBe(true);
    expect(out.changedKeys).toEqual(['mapRoles']);
    expect(out.results).toEqual([
      expect.objectContaining({ id: 'r1', status: 'applied', change: 'added', list: 'mapRoles' }),
    ]);
  });

  it.each([
    ['absent', {}, ''],
    ['empty', { mapRoles: '' }, ''],
    ['""', { mapRoles: '""' }, ''],
    ['whitespace', { mapRoles: '  \n' }, ''],
    ['null', { mapRoles: '~\n' }, ''],
    ['only comments (kept)', { mapRoles: '# roles go here\n' }, '# roles go here\n'],
  ])('creates the list as a block sequence when the key is %s', (_, data, kept) => {
    const out = editAwsAuth(data, [upsert('r1', ALICE, 'eks-access:alice', view)]);

    expect(out.data['mapRoles']).toBe(
      `${kept}- rolearn: ${ALICE}\n  username: eks-access:alice\n  groups:\n    - eks-access:view\n`,
    );
  });

  it('adds a newline before appending to a list without a final one', () => {
    const mapRoles = `- rolearn: ${role('bob')}\n  groups: [b]`;

    const out = editAwsAuth({ mapRoles }, [upsert('r1', ALICE, 'a', ['g'])]);

    expect(out.data['mapRoles']).toBe(`${mapRoles}\n- rolearn: ${ALICE}\n  username: a\n  groups: [g]\n`);
  });

  it('writes users into mapUsers, keeping the user path', () => {
    const arn = user('ops/carol');

    const out = editAwsAuth({ mapRoles: NODE_ITEM }, [upsert('u1', arn, 'eks-access:carol', view)]);

    expect(out.data['mapRoles']).toBe(NODE_ITEM);
    expect(parseAwsAuth(out.data).mapUsers).toEqual([
      expect.objectContaining({ userarn: arn, username: 'eks-access:carol', groups: view }),
    ]);
  });
});

describe('editAwsAuth: changing an item in place', () => {
  const others = `${NODE_ITEM}- sso:\n    permissionSetName: ReadOnly\n    accountID: "${ACCOUNT}"\n  groups: [eks-access:view]\n`;

  it('edits the existing item (ARN case ignored), keeps its unknown fields, and leaves every other byte', () => {
    const target = `- roleARN: ${role('Alice')}   # alice\n  userid: AROAEXAMPLE\n  x-team: platform\n  groups:\n    - old\n`;
    const mapRoles = `${others}${target}# after alice\n${WINDOWS_ITEM}`;

    const out = editAwsAuth({ mapRoles }, [upsert('r1', ALICE, 'eks-access:alice', ['eks-access:edit'])]);

    expect(out.data['mapRoles']).toBe(
      `${others}- rolearn: ${ALICE}\n  username: eks-access:alice\n  groups:\n    - eks-access:edit\n  userid: AROAEXAMPLE\n  x-team: platform\n# after alice\n${WINDOWS_ITEM}`,
    );
    expect(out.results[0]).toMatchObject({
      status: 'applied',
      change: 'updated',
      previous: { arn: role('Alice'), username: '', groups: ['old'] },
      at: { index: 2, line: 10 },
      shadowed: [],
    });
  });

  it('edits the last of duplicate items (the one the authenticator uses) and reports the shadowed ones', () => {
    const first = `- rolearn: ${ALICE}\n  username: first\n  groups: [a]\n`;
    const second = `- rolearn: ${role('ALICE')}\n  username: second\n  groups: [b]\n`;

    const out = editAwsAuth({ mapRoles: first + second }, [upsert('r1', ALICE, 'eks-access:alice', view)]);

    expect(out.data['mapRoles']).toBe(
      `${first}- rolearn: ${ALICE}\n  username: eks-access:alice\n  groups: [eks-access:view]\n`,
    );
    expect(out.results[0]).toMatchObject({
      change: 'updated',
      at: { index: 1, line: 4 },
      shadowed: [{ index: 0, line: 1 }],
    });
  });

  it.each([
    ['the same groups', ['eks-access:view', 'team']],
    ['the same groups in another order', ['team', 'eks-access:view']],
    ['the same groups, one repeated', ['team', 'eks-access:view', 'team']],
  ])('is unchanged, and writes nothing, when the item already maps so: %s', (_, groups) => {
    const mapRoles = `- rolearn: ${role('ALICE')}\n  username: eks-access:alice\n  groups: [eks-access:view, team]\n`;
    const data = { mapRoles, mapAccounts: `- "${ACCOUNT}"\n` };

    const out = editAwsAuth(data, [upsert('r1', ALICE, 'eks-access:alice', groups)]);

    expect(out.changed).toBe(false);
    expect(out.data).toEqual(data);
    expect(out.results[0]).toMatchObject({ status: 'unchanged', current: { username: 'eks-access:alice' } });
  });
});

describe('editAwsAuth: removing', () => {
  it('removes the item with its lines and trailing comment, keeping the comment above the next item', () => {
    const mapRoles = `${NODE_ITEM}- rolearn: ${ALICE} # alice\n  groups:\n    - a # last\n# bob below\n- rolearn: ${role('bob')}\n`;

    const out = editAwsAuth({ mapRoles }, [remove('x1', ALICE)]);

    expect(out.data['mapRoles']).toBe(`${NODE_ITEM}# bob below\n- rolearn: ${role('bob')}\n`);
    expect(out.results[0]).toMatchObject({ status: 'applied', change: 'removed', removed: [{ index: 1, line: 6 }] });
  });

  it('removes every duplicate, so the shadowed one cannot come back to life', () => {
    const mapRoles = `- rolearn: ${ALICE}\n  groups: [system:masters]\n- rolearn: ${role('bob')}\n- rolearn: ${role('Alice')}\n  groups: [view]\n`;

    const out = editAwsAuth({ mapRoles }, [remove('x1', ALICE)]);

    expect(out.data['mapRoles']).toBe(`- rolearn: ${role('bob')}\n`);
    expect(out.results[0]).toMatchObject({
      previous: { arn: role('Alice'), groups: ['view'] },
      removed: [
        { index: 0, line: 1 },
        { index: 2, line: 4 },
      ],
    });
  });

  it('is unchanged when nothing maps the ARN (a path-less ARN does not remove a pathed item)', () => {
    const mapRoles = `- rolearn: ${role('platform/alice')}\n`;

    const out = editAwsAuth({ mapRoles }, [remove('x1', ALICE)]);

    expect(out.changed).toBe(false);
    expect(out.results[0]).toMatchObject({ status: 'unchanged' });
  });

  it('may remove a dead pathed item by its own ARN', () => {
    const out = editAwsAuth({ mapRoles: `- rolearn: ${role('platform/alice')}\n` }, [
      remove('x1', role('platform/alice')),
    ]);

    expect(out.data['mapRoles']).toBe('');
  });
});

describe('editAwsAuth: refusals', () => {
  it.each([
    ...HOSTILE_ARNS.map(
      ([what, arn]) => [`an ARN with ${what}`, upsert('r1', arn, 'u', view), expect.any(String)] as const,
    ),
    ['a role ARN with a path', upsert('r1', role('platform/alice'), 'u', view), 'role_arn_has_path'],
    [
      'a session ARN',
      upsert('r1', `arn:aws:sts::${ACCOUNT}:assumed-role/alice/alice-session`, 'u', view),
      'session_arn',
    ],
    ['root', upsert('r1', `arn:aws:iam::${ACCOUNT}:root`, 'u', view), 'unsupported_principal'],
    [
      'a user ARN in a role op',
      { op: 'upsert', id: 'r1', item: { kind: 'role', arn: user('a'), username: 'u', groups: view } },
      'kind_mismatch',
    ],
    ['no username', upsert('r1', ALICE, '', view), 'missing_username'],
    ['no groups', upsert('r1', ALICE, 'u', []), 'missing_groups'],
    ['an empty group', upsert('r1', ALICE, 'u', ['a', '']), 'invalid_string'],
    ['a lone surrogate', upsert('r1', ALICE, 'u\ud800', view), 'invalid_string'],
    ['system:masters', upsert('r1', ALICE, 'u', ['eks-access:view', 'system:masters']), 'system_masters'],
    ['system:masters, padded and upper-case', upsert('r1', ALICE, 'u', [' SYSTEM:Masters ']), 'system_masters'],
    ['a system: group', upsert('r1', ALICE, 'u', ['system:nodes']), 'reserved_name'],
    ['a system: username', upsert('r1', ALICE, 'system:node:x', view), 'reserved_name'],
    ['a node role', upsert('r1', role('eks-node-role'), 'u', view), 'node_entry'],
    ['removing a node role', remove('r1', role('eks-node-role')), 'node_entry'],
    ['removing a Fargate role', remove('r1', role('eks-fargate-pods')), 'node_entry'],
    ['removing a Windows role', remove('r1', role('EKS-Windows-Nodes')), 'node_entry'],
  ] as const)('refuses %s and leaves the data alone', (_, op, code) => {
    const data = { mapRoles: NODE_ITEM + FARGATE_ITEM + WINDOWS_ITEM, mapAccounts: `- "${ACCOUNT}"\n` };

    const out = editAwsAuth(data, [op]);

    expect(out.changed).toBe(false);
    expect(out.data).toEqual(data);
    expect(out.results[0]).toMatchObject({ status: 'refused', code });
    if (typeof code === 'string') expect(out.results[0]).toMatchObject({ reason: expect.any(String) });
  });

  it('refuses to touch a node item even when a later duplicate shadows it', () => {
    const mapRoles = `${NODE_ITEM}- rolearn: ${role('eks-node-role')}\n  username: someone\n  groups: [x]\n`;

    const out = editAwsAuth({ mapRoles }, [
      upsert('r1', role('eks-node-role'), 'u', view),
      remove('r2', role('eks-node-role')),
    ]);

    expect(out.changed).toBe(false);
    expect(out.results.map((r) => [r.status, 'code' in r && r.code, 'line' in r && r.line])).toEqual([
      ['refused', 'node_entry', 1],
      ['refused', 'node_entry', 1],
    ]);
  });

  it('refuses ops on a list that does not parse, and still applies the other list', () => {
    const mapRoles = `${NODE_ITEM}- rolearn: ${ALICE}\n\tgroups: [x]\n`;
    const data = { mapRoles, mapUsers: '' };

    const out = editAwsAuth(data, [upsert('r1', role('bob'), 'b', view), upsert('u1', user('carol'), 'c', view)]);

    expect(out.data['mapRoles']).toBe(mapRoles);
    expect(out.results[0]).toMatchObject({ status: 'refused', code: 'key_unparseable', line: 7 });
    expect(out.results[1]).toMatchObject({ status: 'applied', change: 'added' });
    expect(out.changedKeys).toEqual(['mapUsers']);
  });
});

describe('editAwsAuth: everything it does not touch stays byte for byte', () => {
  it('copies mapAccounts, unknown and wrong-case data keys as they are, in their order', () => {
    const data = {
      notes: 'hand-written notes: - rolearn: x',
      MapRoles: '- rolearn: ignored\n',
      mapRoles: NODE_ITEM,
      mapAccounts: '- 012345678901\n- "111122223333"\n',
      'mapRoles.backup': NODE_ITEM,
    };

    const out = editAwsAuth(data, [upsert('r1', ALICE, 'eks-access:alice', view)]);

    expect(Object.keys(out.data)).toEqual(Object.keys(data));
    for (const key of ['notes', 'MapRoles', 'mapAccounts', 'mapRoles.backup'] as const)
      expect(out.data[key]).toBe(data[key]);
  });

  it('leaves a folded group list (read by the yaml-based path) exactly as written', () => {
    const folded = `- rolearn: ${role('eks-node-role')}\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n     - system:nodes\n`;
    const mapRoles = `${folded}- rolearn: ${ALICE}\n  groups: [old]\n`;

    const out = editAwsAuth({ mapRoles }, [upsert('r1', ALICE, 'a', view), upsert('r2', role('bob'), 'b', view)]);

    expect(out.data['mapRoles']?.startsWith(folded)).toBe(true);
    expect(parseAwsAuth(out.data).mapRoles.map((e) => [e.rolearn, e.username])).toEqual([
      [role('eks-node-role'), 'system:node:{{EC2PrivateDNSName}}'],
      [ALICE, 'a'],
      [role('bob'), 'b'],
    ]);
  });

  it('splices around anchors, and refuses to splice an item other items alias', () => {
    const mapRoles = `- &base\n  rolearn: ${ALICE}\n  username: shared\n  groups: [eks-access:view]\n- <<: *base\n  rolearn: ${role('bob')}\n`;

    const out = editAwsAuth({ mapRoles }, [upsert('r1', ALICE, 'a', ['g']), upsert('r2', role('bob'), 'b', ['g'])]);

    expect(out.results.map((r) => r.status)).toEqual(['refused', 'applied']);
    expect(out.results[0]).toMatchObject({ code: 'layout_unsupported', line: 2 });
    expect(parseAwsAuth(out.data).mapRoles.map((e) => [e.rolearn, e.username])).toEqual([
      [ALICE, 'shared'],
      [role('bob'), 'b'],
    ]);
  });

  it('edits a flow-style list, keeping the other items as written', () => {
    const mapRoles = `[{rolearn: ${ALICE}, groups: [a]}, {"rolearn": "${role('bob')}", "userid": "AROA1"}]  # flow\n`;

    const out = editAwsAuth({ mapRoles }, [
      upsert('r1', role('carol'), 'c', view),
      upsert('r2', role('bob'), 'b', view),
    ]);

    expect(out.data['mapRoles']).toBe(
      `[{rolearn: ${ALICE}, groups: [a]}, {rolearn: ${role('bob')}, username: b, groups: [eks-access:view], userid: AROA1}, {rolearn: ${role('carol')}, username: c, groups: [eks-access:view]}]  # flow\n`,
    );
  });

  it('refuses to append after a second YAML document (the authenticator reads only the first)', () => {
    const mapRoles = `- rolearn: ${role('bob')}\n---\n- rolearn: ${role('hidden')}\n`;

    const out = editAwsAuth({ mapRoles }, [upsert('r1', ALICE, 'a', view)]);

    expect(out.results[0]).toMatchObject({ status: 'refused', code: 'layout_unsupported' });
  });

  it('edits a ~900 KiB document', { timeout: 20_000 }, () => {
    const item = (i: number) => `- rolearn: ${role(`team-${i}`)}\n  username: team-${i}\n  groups: [team-${i}, view]\n`;
    const count = Math.ceil((900 * 1024) / item(0).length);
    const mapRoles = NODE_ITEM + Array.from({ length: count }, (_, i) => item(i)).join('');

    const out = editAwsAuth({ mapRoles }, [upsert('r1', ALICE, 'a', view), remove('r2', role('team-7'))]);

    expect(out.data['mapRoles']?.length).toBeGreaterThan(900 * 1024);
    expect(parseAwsAuth(out.data).mapRoles).toHaveLength(count + 1);
  });
});

describe('editAwsAuth: a batch folded into one write', () => {
  it('applies ops in order, each seeing the earlier ones, and reports each its own outcome', () => {
    const out = editAwsAuth({ mapRoles: NODE_ITEM }, [
      upsert('a1', ALICE, 'eks-access:alice', view),
      upsert('b1', role('bob'), 'eks-access:bob', view),
      upsert('a2', role('ALICE'), 'eks-access:alice', ['eks-access:edit']),
      upsert('a3', ALICE, 'eks-access:alice', ['eks-access:edit']),
      remove('b2', role('bob')),
      remove('b3', role('bob')),
      upsert('n1', role('eks-node-role'), 'x', view),
    ]);

    expect(out.results.map((r) => [r.id, r.status, 'change' in r ? r.change : 'code' in r ? r.code : ''])).toEqual([
      ['a1', 'applied', 'added'],
      ['b1', 'applied', 'added'],
      ['a2', 'applied', 'updated'],
      ['a3', 'unchanged', ''],
      ['b2', 'applied', 'removed'],
      ['b3', 'unchanged', ''],
      ['n1', 'refused', 'node_entry'],
    ]);
    expect(out.data['mapRoles']).toBe(
      `${NODE_ITEM}- rolearn: ${role('ALICE')}\n  username: eks-access:alice\n  groups:\n    - eks-access:edit\n`,
    );
  });

  it('folds 100 grants into one new document holding all of them', () => {
    const ops = Array.from({ length: 100 }, (_, i) =>
      upsert(`r${i}`, role(`person-${i}`), `eks-access:person-${i}`, view),
    );

    const out = editAwsAuth({ mapRoles: NODE_ITEM }, ops);

    expect(out.results.every((r) => r.status === 'applied')).toBe(true);
    expect(parseAwsAuth(out.data).mapRoles).toHaveLength(101);
    expect(out.data['mapRoles']?.startsWith(NODE_ITEM)).toBe(true);
  });
});

describe('editAwsAuth: hostile values', () => {
  it.each(HOSTILE_STRINGS)('writes a username with %s so that it reads back exactly and adds one item', (_, value) => {
    const data = { mapRoles: NODE_ITEM, mapUsers: `- userarn: ${user('admin')}\n  groups: [system:masters]\n` };

    const out = editAwsAuth(data, [upsert('r1', ALICE, value, ['eks-access:view', value])]);

    const after = parseAwsAuth(out.data);
    expect(out.results[0]).toMatchObject({ status: 'applied' });
    expect(after.mapRoles.map((e) => [e.rolearn, e.username, e.groups])).toEqual([
      [role('eks-node-role'), 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes']],
      [ALICE, value, ['eks-access:view', value]],
    ]);
    expect(after.issues.filter((i) => i.code !== 'folded_groups')).toEqual([]);
    expect(out.data['mapUsers']).toBe(data.mapUsers);
    // Written as one line of printable ASCII per field.
    expect(out.data['mapRoles']?.slice(NODE_ITEM.length)).toMatch(/^(?:[\x20-\x7e]*\n){4,5}$/);
  });
});
