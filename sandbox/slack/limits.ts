/**
 * Slack's message and Block Kit limits as the Web API fake enforces them. Each is Slack's documented figure; the fake
 * rejects what Slack rejects so that rendering code learns about a limit in a test rather than in production.
 */

/** `text` longer than this fails with `msg_too_long`. https://docs.slack.dev/reference/methods/chat.postMessage */
export const SLACK_MESSAGE_TEXT_MAX = 40_000;
/** Blocks per message. https://docs.slack.dev/reference/block-kit/blocks */
export const SLACK_MESSAGE_BLOCKS_MAX = 50;
/** Blocks per modal or Home tab view. https://docs.slack.dev/reference/block-kit/blocks */
export const SLACK_VIEW_BLOCKS_MAX = 100;
/** `block_id` length. https://docs.slack.dev/reference/block-kit/blocks */
export const SLACK_BLOCK_ID_MAX = 255;
/** Section `text`. https://docs.slack.dev/reference/block-kit/blocks/section-block */
export const SLACK_SECTION_TEXT_MAX = 3_000;
/** Section `fields` count and each field's text. https://docs.slack.dev/reference/block-kit/blocks/section-block */
export const SLACK_SECTION_FIELDS_MAX = 10;
export const SLACK_SECTION_FIELD_TEXT_MAX = 2_000;
/** Header `text` (plain_text only). https://docs.slack.dev/reference/block-kit/blocks/header-block */
export const SLACK_HEADER_TEXT_MAX = 150;
/** Elements in an actions block. https://docs.slack.dev/reference/block-kit/blocks/actions-block */
export const SLACK_ACTIONS_ELEMENTS_MAX = 25;
/** Elements in a context block. https://docs.slack.dev/reference/block-kit/blocks/context-block */
export const SLACK_CONTEXT_ELEMENTS_MAX = 10;
/** Button `text`, `value`, `url` and `action_id`. https://docs.slack.dev/reference/block-kit/block-elements/button-element */
export const SLACK_BUTTON_TEXT_MAX = 75;
export const SLACK_BUTTON_VALUE_MAX = 2_000;
export const SLACK_BUTTON_URL_MAX = 3_000;
export const SLACK_ACTION_ID_MAX = 255;
