import { describe, expect, it } from 'vitest';
import { codeBlock as slackCodeBlock, mrkdwn as slackMrkdwn } from '../../../../src/adapters/slack/render/mrkdwn.ts';
import { SLACK_ACTION_IDS } from '../../../../src/adapters/slack/render/wire-ids.ts';
import { diagnose } from '../../../../src/core/diagnose/diagnose.ts';
import {
  copyable,
  diagnosisMessage as neutralDiagnosisMessage,
} from '../../../../src/core/diagnose/diagnosis-message.ts';
import type { Evidence } from '../../../../src/core/diagnose/evidence.ts';
import { diagnosisToJson, renderDiagnosisText } from '../../../../src/core/diagnose/render-text.ts';
import { ACTIONS } from '../../../../src/core/messages/message.ts';
import { asMrkdwn, type MrkdwnPart } from '../../../support/mrkdwn-message.ts';
import { CLUSTER, healthy, ROLE_ARN, SESSION_ARN, unknown, unmapped } from './builders.ts';

function parts<K extends MrkdwnPart['kind']>(all: readonly MrkdwnPart[], kind: K) {
  return all.filter((p): p is Extract<MrkdwnPart, { kind: K }> => p.kind === kind);
}

/** The diagnosis as the Slack adapter writes it (mrkdwn). */
const diagnosisMessage = (...args: Parameters<typeof neutralDiagnosisMessage>) =>
  asMrkdwn(neutralDiagnosisMessage(...args));
/** Free text with its copyable tokens, as mrkdwn. */
const mrkdwn = (text: string) => slackMrkdwn(copyable(text));
/** A fix command as Slack's fenced block. */
const codeBlock = (command: string) => slackCodeBlock([command], true);

describe('renderDiagnosisText', () => {
  it('prints the verdict, the checks with marks, and each finding with evidence, fix and command', () => {
    const evidence = unmapped('API');

    const text = renderDiagnosisText(diagnose(evidence), evidence);

    expect(text).toContain('eks-access doctor: prod-cluster (eu-west-1, account 111122223333)');
    expect(text).toContain(`PROBLEM: ${ROLE_ARN} is not mapped on prod-cluster`);
    expect(text).toContain('  ✓ Cluster found and ACTIVE: ACTIVE');
    expect(text).toContain(`  ✗ Access entry exists: none for ${ROLE_ARN}`);
    expect(text).toContain('1. [BLOCKER]');
    expect(text).toContain('(no-access)');
    expect(text).toContain('Symptom: kubectl: "You must be logged in to the server (Unauthorized)" (401)');
    expect(text).toContain('   Fix: ');
    expect(text).toContain(
      `     aws eks create-access-entry --cluster-name prod-cluster --region eu-west-1 --principal-arn ${ROLE_ARN}`,
    );
  });

  it('marks unknown checks with ? and says OK when access should work', () => {
    const evidence = healthy('API', { creator: unknown('cloudtrail:LookupEvents denied') });

    const text = renderDiagnosisText(diagnose(evidence), evidence);

    expect(text).toMatch(/^OK: Access should work: /m);
    expect(text).toContain('  ? Cluster creator: cloudtrail:LookupEvents denied');
  });

  it('indents every line of a multi-line config fix', () => {
    const evidence = unmapped('CONFIG_MAP');

    const text = renderDiagnosisText(diagnose(evidence), evidence);

    expect(text).toContain('     - rolearn: arn:aws:iam::111122223333:role/bob-admin\n       username: bob-admin');
  });

  it('strips control characters from text that came from outside', () => {
    const evidence = healthy('API', { identity: { given: 'evil\u001b[2Jarn', source: 'pasted_arn' } });

    const text = renderDiagnosisText(diagnose(evidence), evidence);

    expect(text).not.toContain('\u001b');
  });
});

describe('diagnosisToJson', () => {
  it('has a stable shape with null for what is absent', () => {
    const evidence = unmapped('API');

    const json = diagnosisToJson(diagnose(evidence), evidence);

    expect(Object.keys(json)).toEqual([
      'schemaVersion',
      'verdict',
      'headline',
      'cluster',
      'identity',
      'checks',
      'findings',
    ]);
    expect(json.cluster).toEqual({
      name: 'prod-cluster',
      region: 'eu-west-1',
      accountId: '111122223333',
      status: 'ACTIVE',
      authenticationMode: 'API',
    });
    expect(json.identity).toEqual({
      given: SESSION_ARN,
      source: 'caller_identity',
      mapped: ROLE_ARN,
      iamArn: ROLE_ARN,
    });
    expect(json.findings[0]).toMatchObject({
      rule: 'no-access',
      severity: 'blocker',
      isGrantFix: true,
      symptom: 'unauthorized',
    });
    expect(json.checks.find((c) => c.label === 'Authentication mode')).toEqual({
      label: 'Authentication mode',
      result: 'pass',
      detail: 'API',
    });
  });

  it('keeps every key when facts are missing', () => {
    const evidence = healthy('API', { clusterInfo: unknown('timeout') });

    const json = diagnosisToJson(diagnose(evidence), evidence);

    expect(json.cluster.status).toBeNull();
    expect(json.cluster.authenticationMode).toBeNull();
    expect(json.findings.every((f) => 'fixCommand' in f && 'symptom' in f)).toBe(true);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('diagnosisMessage', () => {
  it('says the verdict in one line, lists the checks, and gives the fix with its command', () => {
    const evidence = unmapped('API');

    const message = diagnosisMessage(diagnose(evidence), evidence);

    const texts = parts(message.parts, 'text').map((p) => p.text);
    expect(parts(message.parts, 'header')[0]?.text).toBe('Access diagnosis: prod-cluster');
    expect(texts[0]).toMatch(
      /^:x: \*Problem found\*: `arn:aws:iam::111122223333:role\/platform\/bob-admin` is not mapped/,
    );
    expect(texts[1]).toContain('✓ Cluster found and ACTIVE: ACTIVE');
    expect(texts[1]).toContain('✗ Access entry exists: none for `arn:aws:iam::111122223333:role/platform/bob-admin`');
    expect(texts[2]).toContain('*Fix:*');
    expect(texts[2]).toContain('```aws eks create-access-entry --cluster-name prod-cluster');
    expect(message.text).toContain('Access diagnosis for prod-cluster');
  });

  it('offers a prefilled Request access button when the top fix is access', () => {
    const evidence = unmapped('API');

    const message = diagnosisMessage(diagnose(evidence), evidence);

    expect(parts(message.parts, 'buttons')).toEqual([
      {
        kind: 'buttons',
        buttons: [{ action: ACTIONS.requestAccess, label: 'Request access', value: CLUSTER, style: 'primary' }],
      },
    ]);
    expect(SLACK_ACTION_IDS[ACTIONS.requestAccess]).toBe('eks_access_request');
  });

  it.each([
    ['access should work', healthy('API')],
    ['the fix is not access (recreate the entry)', healthy('API', { iam: { known: true, value: { exists: false } } })],
  ] as const)('offers no button when %s', (_, evidence: Evidence) => {
    const message = diagnosisMessage(diagnose(evidence), evidence);

    expect(parts(message.parts, 'buttons')).toEqual([]);
  });

  it('neutralises what a person pasted: no mentions, no formatting', () => {
    const evidence = healthy('API', { identity: { given: '<!channel> *bold* arn:<@U123>', source: 'pasted_arn' } });

    const message = diagnosisMessage(diagnose(evidence), evidence);

    const all = message.parts.map((p) => ('text' in p ? p.text : '')).join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U123>');
    expect(all).toContain('&lt;!channel&gt;');
  });

  it('shows at most four findings and points to doctor for the rest', () => {
    const evidence = healthy('API', {
      ask: { isImpersonating: true },
      lastGrantAt: healthy('API').now - 1000,
      identity: { given: ROLE_ARN, source: 'mapped', mapped: ROLE_ARN, iamArn: ROLE_ARN },
      creator: unknown('denied'),
      iam: { known: true, value: { exists: false } },
    });
    const diagnosis = diagnose(evidence);

    const message = diagnosisMessage(diagnosis, evidence);

    expect(diagnosis.findings.length).toBeGreaterThan(4);
    expect(parts(message.parts, 'context').map((p) => p.text)).toContainEqual(
      expect.stringContaining('run `eks-access doctor` for all of them'),
    );
  });
});

describe('mrkdwn and codeBlock', () => {
  it('puts ARNs in code spans and keeps the sentence punctuation outside', () => {
    expect(mrkdwn(`Entry for ${ROLE_ARN}, not the session.`)).toBe(`Entry for \`${ROLE_ARN}\`, not the session.`);
  });

  it('keeps underscores of SSO role names copyable (no zero-width spaces inside the code span)', () => {
    const arn = 'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123456789abcdef';

    expect(mrkdwn(`use ${arn}`)).toBe(`use \`${arn}\``);
  });

  it('puts modes and templates in code spans too', () => {
    expect(mrkdwn('mode API_AND_CONFIG_MAP, username bob:{{SessionName}}')).toBe(
      'mode `API_AND_CONFIG_MAP`, username bob:`{{SessionName}}`',
    );
  });

  it('escapes Slack control characters in commands with placeholders', () => {
    expect(codeBlock('aws eks update-kubeconfig --profile <your-profile-for-Admin>')).toBe(
      '```aws eks update-kubeconfig --profile &lt;your-profile-for-Admin&gt;```',
    );
  });
});
