// Block Kit limits, from https://docs.slack.dev/reference/block-kit/blocks and
// https://docs.slack.dev/reference/methods/chat.postMessage ; exceeding them makes Slack reject the message.
export const SLACK_MAX_BLOCKS = 50;
/** A Home tab view holds at most 100 blocks: https://docs.slack.dev/reference/views/home-tab-views */
export const SLACK_HOME_MAX_BLOCKS = 100;
export const SLACK_SECTION_TEXT_MAX = 3000;
export const SLACK_HEADER_TEXT_MAX = 150;
export const SLACK_FIELD_TEXT_MAX = 2000;
export const SLACK_SECTION_FIELDS_MAX = 10;
export const SLACK_BUTTON_TEXT_MAX = 75;
export const SLACK_BUTTON_VALUE_MAX = 2000;
export const SLACK_CONTEXT_TEXT_MAX = 3000;
/** chat.postMessage truncates `text` at 40,000 characters; notification text stays far shorter. */
export const SLACK_FALLBACK_TEXT_MAX = 3000;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
