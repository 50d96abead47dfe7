import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import { parseCancelCommand } from '../../../../src/core/intent/cancel-command.ts';

describe('cancel command', () => {
  it.each([
    ['cancel my request on prod-cluster', 'prod-cluster'],
    ['<@U0SANDBOXBOT> cancel my request on prod-cluster', 'prod-cluster'],
    ['cancel prod-cluster', 'prod-cluster'],
    ['Cancel my pending request for prod', 'prod'],
    ['cancel request to staging.', 'staging'],
    ['cancel my requests on the staging cluster', 'staging'],
  ])('reads %j as a cancel on %s', (text, cluster) => {
    expect(parseCancelCommand(slackMessageText(text).parts)).toEqual({ kind: 'cancel', cluster });
  });

  // Bare: the pending requests decide (never a revoke of an active grant).
  it.each(['cancel', 'cancel my request', 'Cancel it', 'cancel my pending request.'])(
    'reads %j as a bare cancel',
    (text) => {
      expect(parseCancelCommand(slackMessageText(text).parts)).toEqual({ kind: 'cancel' });
    },
  );

  it.each([
    'cancel my access to prod',
    'grant me view on prod',
    'please cancel my request on prod',
    'cancel my request on prod because reasons',
    `cancel ${'x'.repeat(400)}`,
  ])('leaves %j to the other parsers', (text) => {
    expect(parseCancelCommand(slackMessageText(text).parts)).toBeUndefined();
  });
});
