import { describe, expect, it } from 'vitest';
import { renderBlockKit } from '../../../../src/adapters/slack/render/block-kit.ts';
import { actionOfSlackId, SLACK_ACTION_IDS } from '../../../../src/adapters/slack/render/wire-ids.ts';
import { renderMessageText } from '../../../../src/adapters/terminal/message-text.ts';
import * as diagnosisMessage from '../../../../src/core/diagnose/diagnosis-message.ts';
import * as adminMessages from '../../../../src/core/messages/admin-messages.ts';
import * as cancelMessages from '../../../../src/core/messages/cancel-messages.ts';
import * as currentAccess from '../../../../src/core/messages/current-access.ts';
import * as describeRefusal from '../../../../src/core/messages/describe-refusal.ts';
import * as diagnosisPrompts from '../../../../src/core/messages/diagnosis-prompts.ts';
import * as digestMessages from '../../../../src/core/messages/digest-messages.ts';
import * as driftMessages from '../../../../src/core/messages/drift-messages.ts';
import * as forOthersMessages from '../../../../src/core/messages/for-others-messages.ts';
import * as helpText from '../../../../src/core/messages/help-text.ts';
import * as homeView from '../../../../src/core/messages/home-view.ts';
import { ACTIONS } from '../../../../src/core/messages/message.ts';
import * as policyMessages from '../../../../src/core/messages/policy-messages.ts';
import * as reminderMessages from '../../../../src/core/messages/reminder-messages.ts';
import * as reportMessages from '../../../../src/core/messages/report-messages.ts';
import * as requestMessages from '../../../../src/core/messages/request-messages.ts';
import * as restorePreview from '../../../../src/core/messages/restore-preview.ts';
import * as revokeChoice from '../../../../src/core/messages/revoke-choice.ts';
import * as stepUpText from '../../../../src/core/messages/step-up-text.ts';
import { HOSTILE, messageCatalogue } from './message-catalogue.ts';

/**
 * Exports of the message modules that build no message of their own: constants, and pieces other builders (or
 * stored texts) use. Everything else a message module exports must appear in the catalogue.
 */
const NOT_MESSAGES = new Set([
  'MESSAGE_FINDINGS_MAX',
  'summaryOnlyNote',
  'copyable',
  'policySpan',
  'policyName',
  'currentAccessPart',
  'DIGEST_LINES_MAX',
  'helpExamples',
  'HOME_MAX_BLOCKS',
  'HOME_SECTION_TEXT_MAX',
  'HOME_ITEMS_PER_LIST',
  'HOME_CANCELLABLE',
  'linesWithin',
  'allowanceText',
  'scopeText',
  'summary',
  'resolutionLine',
  'stepUpPrompt',
]);

const MODULES = {
  diagnosisMessage,
  adminMessages,
  cancelMessages,
  currentAccess,
  describeRefusal,
  diagnosisPrompts,
  digestMessages,
  driftMessages,
  forOthersMessages,
  helpText,
  homeView,
  policyMessages,
  reminderMessages,
  reportMessages,
  requestMessages,
  restorePreview,
  revokeChoice,
  stepUpText,
};

const catalogue = messageCatalogue();
const cases = catalogue.map((entry) => [`${entry.builder} (${entry.case})`, entry] as const);

/** Slack markup that must never reach a terminal: mentions, broadcasts, channel links, entities, bold, emoji codes. */
const SLACK_MARKUP = [/<[@!#]/, /&(lt|gt|amp);/, /(^|\s)\*[^\s*`][^*`]*\*(?=\s|$|[.,:;)])/, /(^|\s):[a-z_]+:(\s|$)/];

describe('every message the core builds, through both renderers', () => {
  it('the catalogue covers every builder the message modules export', () => {
    const builders = new Set(catalogue.map((entry) => entry.builder));
    const exported = Object.values(MODULES).flatMap((module) => Object.keys(module));

    expect(exported.filter((name) => !builders.has(name) && !NOT_MESSAGES.has(name))).toEqual([]);
    expect([...builders].filter((name) => !exported.includes(name))).toEqual([]);
  });

  it.each(cases)('%s: Slack gets Block Kit with wire action ids that map back to the neutral action', (_, entry) => {
    const rendered = renderBlockKit(entry.message);
    const json = JSON.stringify(rendered);

    expect(rendered.blocks.length).toBeGreaterThan(0);
    expect(rendered.text.length).toBeGreaterThan(0);
    expect(json).not.toMatch(/\[object Object\]|undefined/);
    const buttons = entry.message.parts.flatMap((part) => (part.kind === 'buttons' ? part.buttons : []));
    const wireIds = rendered.blocks.flatMap((block) =>
      block.type === 'actions'
        ? block.elements.map((element) => ('action_id' in element ? element.action_id : ''))
        : [],
    );
    expect(wireIds).toEqual(buttons.map((button) => SLACK_ACTION_IDS[button.action]));
    expect(wireIds.map((id) => (id ? actionOfSlackId(id) : undefined))).toEqual(buttons.map((b) => b.action));
  });

  it.each(cases)('%s: the terminal gets text without Slack markup, with every button numbered', (_, entry) => {
    const rendered = renderMessageText(entry.message);
    const text = rendered.lines.join('\n');

    expect(text.trim().length).toBeGreaterThan(0);
    expect(text).not.toMatch(/\[object Object\]|undefined/);
    // What a person typed is shown as typed; everything else must carry no Slack markup.
    const own = text.split(HOSTILE).join(' ');
    for (const markup of SLACK_MARKUP) expect(own).not.toMatch(markup);
    const buttons = entry.message.parts.flatMap((part) => (part.kind === 'buttons' ? part.buttons : []));
    expect(rendered.buttons.map((b) => [b.action, b.value])).toEqual(buttons.map((b) => [b.action, b.value]));
  });

  it.each(cases.filter(([, entry]) => entry.quotes))(
    '%s: typed text is escaped for Slack and verbatim in the terminal',
    (_, entry) => {
      const slack = JSON.stringify(renderBlockKit(entry.message));
      const terminal = renderMessageText(entry.message).lines.join('\n');

      expect(slack).not.toContain('<!channel>');
      expect(slack).not.toContain('<@U0EVIL>');
      expect(slack).toContain('&lt;!channel&gt;');
      expect(slack).toContain('&amp;');
      expect(terminal).toContain('<!channel>');
      expect(terminal).toMatch(/<!channel> \*urgent\* & <@U0EVIL>|<!channel> \*urgent\* &/);
    },
  );
});

describe('neutral actions and Slack wire ids', () => {
  it('gives every neutral action a distinct, unchanged eks_access_* id, and maps each back', () => {
    const actions = Object.values(ACTIONS);
    const ids = actions.map((action) => SLACK_ACTION_IDS[action]);

    expect(new Set(ids).size).toBe(actions.length);
    for (const id of ids) expect(id).toMatch(/^eks_access_[a-z_]+$/);
    expect(actions.map((action) => actionOfSlackId(SLACK_ACTION_IDS[action]))).toEqual(actions);
    expect(actionOfSlackId('eks_access_unknown')).toBeUndefined();
  });

  it('keeps the ids already posted in messages people may still click', () => {
    expect(SLACK_ACTION_IDS).toEqual({
      approve: 'eks_access_approve',
      deny: 'eks_access_deny',
      'request-access': 'eks_access_request',
      diagnose: 'eks_access_diagnose',
      'migrate-entries': 'eks_access_migrate_entries',
      done: 'eks_access_done',
      extend: 'eks_access_extend',
      'approve-step-up': 'eks_access_approve_step_up',
      cancel: 'eks_access_cancel',
      'ack-review': 'eks_access_ack_review',
      unlink: 'eks_access_unlink',
    });
  });
});
