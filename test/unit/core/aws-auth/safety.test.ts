import { describe, expect, it } from 'vitest';
import { parseAwsAuthLocated } from '../../../../src/core/aws-auth/document.ts';
import { type AwsAuthOp, editAwsAuth } from '../../../../src/core/aws-auth/edit.ts';
import {
  AWS_AUTH_MAX_BYTES,
  type Creator,
  checkAccessEntryChange,
  checkAwsAuthChange,
  opsToWrite,
  SAFETY_CHECKS,
  type SafetyCode,
} from '../../../../src/core/aws-auth/safety.ts';
import { ACCOUNT, FARGATE_ITEM, NODE_ITEM, remove, role, upsert, user, WINDOWS_ITEM } from './aws-auth-fixtures.ts';

const ALICE = role('alice');
const CREATOR = `arn:aws:iam::${ACCOUNT}:role/platform/cluster-creator`;
const known = { arn: CREATOR, isKnown: true };
const view = ['eks-access:view'];
const ADMIN_USER = `- userarn: ${user('admin')}\n  username: admin\n  groups:\n    - system:masters\n`;
const BEFORE = {
  mapRoles: `${NODE_ITEM}${FARGATE_ITEM}- rolearn: ${role('bob')}\n  username: eks-access:bob\n  groups: [eks-access:view]\n  userid: AROABOB\n`,
  mapUsers: ADMIN_USER,
  mapAccounts: `- "${ACCOUNT}"\n`,
  notes: 'keep me',
};

/** Runs the real edit, then the check, as the executor does. */
function editAndCheck(before: Record<string, string>, ops: AwsAuthOp[], creator: Creator = known) {
  const edited = editAwsAuth(before, ops);
  return checkAwsAuthChange({ before, after: edited.data, ops: opsToWrite(ops, edited.results), creator });
}

function failed(verdict: ReturnType<typeof checkAwsAuthChange>): string[] {
  return verdict.checks.filter((c) => !c.passed).map((c) => c.id);
}

describe('checkAwsAuthChange: a normal grant', () => {
  it('passes every check and lists them all, labelled, in order', () => {
    const verdict = editAndCheck(BEFORE, [upsert('r1', ALICE, 'eks-access:alice', view)]);

    expect(verdict.ok).toBe(true);
    expect(verdict.refusal).toBeUndefined();
    expect(verdict.checks.map((c) => [c.id, c.passed])).toEqual(SAFETY_CHECKS.map((c) => [c.id, true]));
    expect(verdict.checks.every((c) => c.label.length > 0)).toBe(true);
  });

  it.each([
    ['a revoke', [remove('r1', role('bob'))]],
    ['an update', [upsert('r1', role('bob'), 'eks-access:bob', ['eks-access:edit'])]],
    ['a user grant', [upsert('u1', user('ops/carol'), 'eks-access:carol', view)]],
    ['a batch', [upsert('r1', ALICE, 'a', view), remove('r2', role('bob')), upsert('u1', user('c'), 'c', view)]],
  ])('passes %s', (_, ops) => {
    expect(editAndCheck(BEFORE, ops).ok).toBe(true);
  });

  it('uses the edit’s own parse of `before` only when it is of this very object', () => {
    const ops = [upsert('r1', ALICE, 'a', view)];
    const edited = editAwsAuth(BEFORE, ops);
    const broken = { ...BEFORE, mapRoles: `${BEFORE.mapRoles}\t- x\n` };

    const reused = checkAwsAuthChange({
      before: BEFORE,
      after: edited.data,
      ops,
      creator: known,
      parsedBefore: edited.parsedBefore,
    });
    const mismatched = checkAwsAuthChange({
      before: broken,
      after: edited.data,
      ops,
      creator: known,
      parsedBefore: edited.parsedBefore,
    });

    expect(reused.ok).toBe(true);
    expect(mismatched.refusal?.code).toBe('aws_auth_unparseable');
  });
});

describe('checkAwsAuthChange: the current document must parse', () => {
  it.each([
    ['a syntax error in mapRoles', { mapRoles: `${NODE_ITEM}- rolearn: ${ALICE}\n\tgroups: [x]\n` }, 'mapRoles', 7],
    ['a syntax error in mapUsers', { mapRoles: NODE_ITEM, mapUsers: '- userarn: [x\n' }, 'mapUsers', 2],
    ['a wrong-case data key', { mapRoles: NODE_ITEM, MapUsers: ADMIN_USER }, 'MapUsers', 1],
    ['an invalid item', { mapRoles: `${NODE_ITEM}- username: nobody\n  groups: [x]\n` }, 'mapRoles', 6],
    ['mapRoles that is not a list', { mapRoles: `rolearn: ${ALICE}\n` }, 'mapRoles', 1],
    ['an unparseable mapAccounts', { mapRoles: NODE_ITEM, mapAccounts: '- [1\n' }, 'mapAccounts', 2],
  ])('refuses with aws_auth_unparseable on %s, naming the key and line and the way out', (_, before, key, line) => {
    const verdict = checkAwsAuthChange({
      before,
      after: { ...before, mapUsers: `- userarn: ${user('x')}\n  username: x\n  groups: [g]\n` },
      ops: [upsert('u1', user('x'), 'x', ['g'])],
      creator: known,
    });

    expect(verdict.ok).toBe(false);
    expect(verdict.refusal).toMatchObject({ code: 'aws_auth_unparseable', key, line });
    expect(verdict.refusal?.message).toContain('API_AND_CONFIG_MAP');
    expect(verdict.checks.find((c) => c.id === 'current_parses')?.passed).toBe(false);
    expect(verdict.checks.find((c) => c.id === 'nodes_untouched')?.detail).toContain('not checked');
  });
});

describe('checkAwsAuthChange: refusals on the result', () => {
  const bob = `- rolearn: ${role('bob')}\n  username: eks-access:bob\n  groups: [eks-access:view]\n  userid: AROABOB\n`;
  const withAlice = (extra: string) => ({ ...BEFORE, mapRoles: `${NODE_ITEM}${FARGATE_ITEM}${bob}${extra}` });
  const alice = `- rolearn: ${ALICE}\n  username: a\n  groups: [eks-access:view]\n`;
  const grant = [upsert('r1', ALICE, 'a', view)];

  it.each<[string, Record<string, string>, AwsAuthOp[], SafetyCode, string]>([
    [
      'a result that does not parse',
      { ...BEFORE, mapRoles: `${BEFORE.mapRoles}- rolearn: [\n` },
      grant,
      'result_unparseable',
      'result_parses',
    ],
    [
      'a lost unrelated item',
      { ...BEFORE, mapRoles: `${NODE_ITEM}${FARGATE_ITEM}${alice}` },
      grant,
      'unrelated_change',
      'only_targets_changed',
    ],
    [
      'an unrelated item losing its userid',
      {
        ...BEFORE,
        mapRoles: `${NODE_ITEM}${FARGATE_ITEM}- rolearn: ${role('bob')}\n  username: eks-access:bob\n  groups: [eks-access:view]\n${alice}`,
      },
      grant,
      'unrelated_change',
      'only_targets_changed',
    ],
    [
      'an unrelated item losing its groups (two-field struct)',
      {
        ...BEFORE,
        mapRoles: `${NODE_ITEM}${FARGATE_ITEM}- rolearn: ${role('bob')}\n  username: eks-access:bob\n  userid: AROABOB\n${alice}`,
      },
      grant,
      'unrelated_change',
      'only_targets_changed',
    ],
    [
      'mapAccounts dropped (keikoproj)',
      { mapRoles: withAlice(alice).mapRoles, mapUsers: ADMIN_USER, notes: 'keep me' },
      grant,
      'unrelated_change',
      'only_targets_changed',
    ],
    [
      'an unknown key dropped',
      { mapRoles: withAlice(alice).mapRoles, mapUsers: ADMIN_USER, mapAccounts: BEFORE.mapAccounts },
      grant,
      'unrelated_change',
      'only_targets_changed',
    ],
    [
      'an untargeted list rewritten',
      {
        ...withAlice(alice),
        mapUsers: `- userarn: ${user('admin')}\n  username: admin\n  groups: [system:masters]\n  extra: 1\n`,
      },
      grant,
      'unrelated_change',
      'only_targets_changed',
    ],
    [
      'node items reordered',
      { ...BEFORE, mapRoles: `${FARGATE_ITEM}${NODE_ITEM}${bob}${alice}` },
      grant,
      'node_entry_protected',
      'nodes_untouched',
    ],
    [
      'a node item changed',
      {
        ...BEFORE,
        mapRoles: `${NODE_ITEM.replace('system:nodes', 'system:nodes\n    - extra')}${FARGATE_ITEM}${bob}${alice}`,
      },
      grant,
      'node_entry_protected',
      'nodes_untouched',
    ],
    [
      'a node item removed',
      { ...BEFORE, mapRoles: `${FARGATE_ITEM}${bob}${alice}` },
      grant,
      'node_entry_protected',
      'nodes_untouched',
    ],
    ['a requested item missing', BEFORE, grant, 'intended_change_missing', 'intended_applied'],
    [
      'a requested item with other groups',
      withAlice(alice.replace('eks-access:view', 'eks-access:edit')),
      grant,
      'intended_change_missing',
      'intended_applied',
    ],
    [
      'a removed item still there',
      withAlice(alice),
      [remove('r1', ALICE)],
      'intended_change_missing',
      'intended_applied',
    ],
    [
      'a grant through system:masters',
      withAlice(alice.replace('eks-access:view', 'system:masters')),
      [upsert('r1', ALICE, 'a', ['system:masters'])],
      'system_masters',
      'no_system_masters',
    ],
  ])('refuses %s', (_, after, ops, code, check) => {
    const verdict = checkAwsAuthChange({ before: BEFORE, after, ops, creator: known });

    expect(verdict.ok).toBe(false);
    expect(verdict.refusal?.code).toBe(code);
    expect(failed(verdict)).toContain(check);
  });

  it('refuses a result that reorders unrelated items', () => {
    const carol = `- rolearn: ${role('carol')}\n  username: c\n  groups: [g]\n`;
    const bobItem = `- rolearn: ${role('bob')}\n  username: b\n  groups: [g]\n`;
    const before = { mapRoles: NODE_ITEM + bobItem + carol, mapUsers: ADMIN_USER };
    const after = {
      ...before,
      mapRoles: `${NODE_ITEM}${carol}${bobItem}- rolearn: ${ALICE}\n  username: a\n  groups: [g]\n`,
    };

    const verdict = checkAwsAuthChange({ before, after, ops: [upsert('r1', ALICE, 'a', ['g'])], creator: known });

    expect(verdict.refusal?.code).toBe('unrelated_change');
  });

  it('refuses an op on a node item even when the result looks fine', () => {
    const ops = [
      upsert('r1', role('eks-node-role'), 'system:node:{{EC2PrivateDNSName}}', [
        'system:bootstrappers',
        'system:nodes',
      ]),
    ];

    const verdict = checkAwsAuthChange({ before: BEFORE, after: BEFORE, ops, creator: known });

    expect(verdict.refusal?.code).toBe('node_entry_protected');
    expect(failed(verdict)).toEqual(expect.arrayContaining(['request_valid', 'nodes_untouched']));
  });

  it.each([
    ['Windows', WINDOWS_ITEM],
    ['Fargate', FARGATE_ITEM],
  ])('refuses removing the %s item', (_, item) => {
    const before = { mapRoles: `${NODE_ITEM}${item}`, mapUsers: ADMIN_USER };

    const verdict = checkAwsAuthChange({ before, after: { ...before, mapRoles: NODE_ITEM }, ops: [], creator: known });

    expect(verdict.refusal?.code).toBe('node_entry_protected');
  });

  it('refuses removing the last item that maps to an admin group', () => {
    const before = {
      mapRoles: `${NODE_ITEM}- rolearn: ${ALICE}\n  username: a\n  groups: [eks-access:cluster-admin]\n`,
    };

    const verdict = editAndCheck(before, [remove('r1', ALICE)]);

    expect(verdict.refusal?.code).toBe('last_admin');
  });

  it('refuses demoting the last admin, but not one of two', () => {
    const one = { mapRoles: `${NODE_ITEM}- rolearn: ${ALICE}\n  username: a\n  groups: [eks-access:cluster-admin]\n` };
    const two = { ...one, mapUsers: ADMIN_USER };
    const demote = [upsert('r1', ALICE, 'a', view)];

    expect(editAndCheck(one, demote).refusal?.code).toBe('last_admin');
    expect(editAndCheck(two, demote).ok).toBe(true);
  });

  it('refuses growing the data past the size limit (900 KiB by default), but not shrinking it', () => {
    const big = { mapRoles: `${NODE_ITEM}${'# padding\n'.repeat(AWS_AUTH_MAX_BYTES / 10)}`, mapUsers: ADMIN_USER };
    const grant = [upsert('r1', ALICE, 'a', view)];
    const revoke = [remove('r1', role('eks-node-role'))];

    expect(editAndCheck(big, grant).refusal?.code).toBe('size_limit');
    expect(
      checkAwsAuthChange({
        before: big,
        after: editAwsAuth(big, grant).data,
        ops: grant,
        creator: known,
        maxBytes: 2_000_000,
      }).ok,
    ).toBe(true);
    const shrunk = { ...big, mapRoles: big.mapRoles.slice(0, -10) };
    expect(failed(checkAwsAuthChange({ before: big, after: shrunk, ops: revoke, creator: known }))).not.toContain(
      'size_limit',
    );
  });
});

describe('checkAwsAuthChange: the cluster creator', () => {
  it.each([
    ['the creator role, path stripped', role('cluster-creator')],
    ['the creator role, other case', role('Cluster-Creator')],
    ['the creator role with its path', role('platform/cluster-creator')],
  ])('refuses adding %s', (_, arn) => {
    const ops = [upsert('r1', arn, 'creator', ['eks-access:cluster-admin'])];
    const after = {
      ...BEFORE,
      mapRoles: `${BEFORE.mapRoles}- rolearn: ${arn}\n  username: creator\n  groups: [eks-access:cluster-admin]\n`,
    };

    const verdict = checkAwsAuthChange({ before: BEFORE, after, ops, creator: known });

    expect(verdict.refusal?.code).toBe('creator_protected');
    expect(failed(verdict)).toContain('creator_untouched');
  });

  it.each([
    ['an assumed-role session', `arn:aws:sts::${ACCOUNT}:assumed-role/cluster-creator/terraform`],
    ['the role ARN with path', CREATOR],
  ])('recognises the creator given as %s', (_, creatorArn) => {
    const verdict = editAndCheck(BEFORE, [upsert('r1', role('cluster-creator'), 'c', view)], {
      arn: creatorArn,
      isKnown: true,
    });

    expect(verdict.refusal?.code).toBe('creator_protected');
  });

  it('refuses changing or removing an existing creator item, and a result that changes it behind the ops', () => {
    const creatorItem = `- rolearn: ${role('cluster-creator')}\n  username: creator\n  groups: [system:masters]\n`;
    const before = { ...BEFORE, mapRoles: BEFORE.mapRoles + creatorItem };
    const sneaky = { ...before, mapRoles: BEFORE.mapRoles + creatorItem.replace('system:masters', 'eks-access:view') };

    expect(editAndCheck(before, [remove('r1', role('cluster-creator'))]).refusal?.code).toBe('creator_protected');
    const verdict = checkAwsAuthChange({ before, after: sneaky, ops: [], creator: known });
    expect(verdict.refusal?.code).toBe('creator_protected');
    expect(failed(verdict)).toEqual(['creator_untouched', 'only_targets_changed']);
  });

  it.each([
    ['an admin-looking role', [upsert('r1', role('AdministratorAccess'), 'a', view)]],
    [
      'an SSO admin permission set',
      [upsert('r1', role('AWSReservedSSO_AdministratorAccess_0123456789abcdef'), 'a', view)],
    ],
    ['a Terraform role', [upsert('r1', role('terraform-ci'), 'a', view)]],
    ['the item that maps to system:masters', [remove('u1', user('admin'))]],
  ])('with the creator unknown, refuses touching %s (it may be the creator)', (_, ops) => {
    const verdict = editAndCheck(BEFORE, ops, { isKnown: false });

    expect(verdict.refusal?.code).toBe('possibly_creator');
  });

  it('with the creator unknown, still grants ordinary principals', () => {
    expect(editAndCheck(BEFORE, [upsert('r1', ALICE, 'a', view)], { isKnown: false }).ok).toBe(true);
  });
});

describe('checkAccessEntryChange', () => {
  const POLICY = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;

  it.each([
    ['create', 'creator_protected'],
    ['associate', 'creator_protected'],
    ['disassociate', 'creator_protected'],
    ['delete', 'creator_protected'],
  ] as const)('refuses to %s the known creator’s entry, whatever the spelling', (op, code) => {
    for (const principalArn of [CREATOR, role('cluster-creator'), role('other-path/Cluster-Creator')]) {
      const verdict = checkAccessEntryChange({ principalArn, op, creator: known });

      expect(verdict.ok).toBe(false);
      expect(verdict.refusal?.code).toBe(code);
      expect(verdict.checks).toEqual([expect.objectContaining({ id: 'creator_entry_untouched', passed: false })]);
    }
  });

  it.each([
    ['delete', { entryPolicyArns: [POLICY('AmazonEKSClusterAdminPolicy')] }, false],
    ['delete', {}, false],
    ['delete', { entryPolicyArns: [POLICY('AmazonEKSViewPolicy')] }, true],
    ['disassociate', { policyArn: POLICY('AmazonEKSClusterAdminPolicy') }, false],
    ['disassociate', { policyArn: POLICY('AmazonEKSEditPolicy') }, true],
    ['create', {}, true],
    ['associate', { policyArn: POLICY('AmazonEKSClusterAdminPolicy') }, true],
  ] as const)('with the creator unknown: %s %o → ok %s', (op, extra, ok) => {
    const verdict = checkAccessEntryChange({
      principalArn: role('platform/alice'),
      op,
      creator: { isKnown: false },
      ...extra,
    });

    expect(verdict.ok).toBe(ok);
    if (!ok) expect(verdict.refusal?.code).toBe('possibly_creator');
  });

  it('allows changes to other principals’ entries when the creator is known', () => {
    expect(checkAccessEntryChange({ principalArn: role('platform/alice'), op: 'delete', creator: known }).ok).toBe(
      true,
    );
  });
});

describe('parse reuse', () => {
  it('parseAwsAuthLocated returns the same document as parseAwsAuth would, with entry keys', () => {
    const parsed = parseAwsAuthLocated(BEFORE);

    expect(parsed.entryKeys.mapRoles).toEqual([role('eks-node-role'), role('eks-fargate-pods'), role('bob')]);
    expect(parsed.data).toBe(BEFORE);
  });
});
