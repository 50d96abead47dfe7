import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import { parseReportCommand } from '../../../../src/core/intent/report-command.ts';

describe('parseReportCommand', () => {
  it.each([
    ['audit prod-cluster', { kind: 'audit', cluster: 'prod-cluster' }],
    ['<@U0BOT> audit prod', { kind: 'audit', cluster: 'prod' }],
    ['audit log of staging', { kind: 'audit', cluster: 'staging' }],
    ['who has access to prod-cluster', { kind: 'who_has_access', cluster: 'prod-cluster' }],
    ['Who has access to prod-cluster?', { kind: 'who_has_access', cluster: 'prod-cluster' }],
    ['who can access staging', { kind: 'who_has_access', cluster: 'staging' }],
    ['grant me view on prod-cluster', undefined],
    ['audit', undefined],
    ['who has access to prod-cluster and staging', undefined],
    [`audit ${'x'.repeat(400)}`, undefined],
  ])('%j → %j', (text, expected) => {
    expect(parseReportCommand(slackMessageText(text).parts)).toEqual(expected);
  });
});
