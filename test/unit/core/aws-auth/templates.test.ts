import { describe, expect, it } from 'vitest';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import { checkEntryTemplates, checkUsernameTemplate } from '../../../../src/core/aws-auth/templates.ts';

const SESSION = 'arn:aws:sts::111122223333:assumed-role/bob-admin/bob@example.com';
const NODE = 'arn:aws:sts::111122223333:assumed-role/NodeRole/i-0123456789abcdef0';
const USER = 'arn:aws:iam::111122223333:user/alice';

describe('checkUsernameTemplate', () => {
  it.each([
    ['bob', SESSION, [], 'bob'],
    ['bob:{{SessionName}}', SESSION, ['SessionName'], 'bob:bob-example.com'],
    ['raw:{{SessionNameRaw}}', SESSION, ['SessionNameRaw'], 'raw:bob@example.com'],
    [
      '{{AccountID}}:{{SessionName}}:{{AccountID}}',
      SESSION,
      ['AccountID', 'SessionName'],
      '111122223333:bob-example.com:111122223333',
    ],
    ['user:{{AccountID}}', USER, ['AccountID'], 'user:111122223333'],
  ])('renders %j for %s', (template, arn, placeholders, rendered) => {
    expect(checkUsernameTemplate(template, { arn })).toEqual({
      placeholders,
      problems: [],
      canRender: true,
      isRefused: false,
      missing: [],
      rendered,
    });
  });

  it('renders the EC2 name only for an instance session, with the name supplied', () => {
    const template = 'system:node:{{EC2PrivateDNSName}}';

    expect(checkUsernameTemplate(template, { arn: NODE, ec2PrivateDnsName: 'ip-10-0-0-1.ec2.internal' })).toMatchObject(
      {
        canRender: true,
        rendered: 'system:node:ip-10-0-0-1.ec2.internal',
      },
    );
    expect(checkUsernameTemplate(template, { arn: NODE })).toMatchObject({
      canRender: true,
      missing: ['EC2PrivateDNSName'],
    });
    expect(checkUsernameTemplate(template, { arn: NODE }).rendered).toBeUndefined();
  });

  it.each([
    ['a person session', SESSION, 'bob@example.com'],
    [
      'a 10-character instance-like name',
      'arn:aws:sts::111122223333:assumed-role/NodeRole/i-0123456789',
      'i-0123456789',
    ],
    ['an IAM user', USER, ''],
  ])('refuses {{EC2PrivateDNSName}} for %s, as the authenticator does (401)', (_, arn, sessionName) => {
    const check = checkUsernameTemplate('system:node:{{EC2PrivateDNSName}}', { arn });

    expect(check).toMatchObject({ canRender: false, isRefused: true });
    expect(check.problems).toContainEqual({ code: 'ec2_dns_needs_instance_session', sessionName });
  });

  it('says {{SessionName}} needs a session for an IAM user (it would render empty)', () => {
    expect(checkUsernameTemplate('u:{{SessionName}}', { arn: USER })).toMatchObject({
      canRender: false,
      isRefused: false,
      problems: [{ code: 'session_name_needs_assumed_role', principalType: 'user' }],
    });
  });

  it.each([['{{Foo}}'], ['{{sessionname}}'], ['{{ SessionName }}'], ['{{}}']])(
    'calls %s an unknown placeholder',
    (placeholder) => {
      expect(checkUsernameTemplate(`x:${placeholder}`, { arn: SESSION })).toMatchObject({
        canRender: false,
        problems: [{ code: 'unknown_placeholder', placeholder }],
      });
    },
  );

  it('needs the access key id to render {{AccessKeyID}}', () => {
    expect(checkUsernameTemplate('k:{{AccessKeyID}}', { arn: SESSION }).missing).toEqual(['AccessKeyID']);
    expect(checkUsernameTemplate('k:{{AccessKeyID}}', { arn: SESSION, accessKeyId: 'ASIAEXAMPLE' }).rendered).toBe(
      'k:ASIAEXAMPLE',
    );
  });

  it('refuses a caller the authenticator cannot canonicalize', () => {
    expect(checkUsernameTemplate('x', { arn: 'arn:mars:iam::111122223333:user/a' })).toMatchObject({
      canRender: false,
      isRefused: true,
      problems: [{ code: 'caller_not_recognized' }],
    });
  });

  it('checks the username and every group of an entry', () => {
    const doc = parseAwsAuth({
      mapRoles: `- rolearn: arn:aws:iam::111122223333:role/bob-admin
  username: bob
  groups:
    - team-{{SessionName}}
    - "{{EC2PrivateDNSName}}"
`,
    });
    const entry = doc.mapRoles[0];
    if (entry === undefined) throw new Error('expected an entry');

    const checks = checkEntryTemplates(entry, { arn: SESSION });

    expect(checks.username.rendered).toBe('bob');
    expect(checks.groups.map((g) => [g.rendered, g.isRefused])).toEqual([
      ['team-bob-example.com', false],
      [undefined, true],
    ]);
  });
});
