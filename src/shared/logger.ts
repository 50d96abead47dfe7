import { pino } from 'pino';

/** Paths pino blanks out wherever they appear, so tokens and secrets never reach the logs. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'slackBotToken',
  '*.slackBotToken',
  'signingSecret',
  '*.signingSecret',
  'slackSigningSecret',
  '*.slackSigningSecret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'credentials',
  '*.credentials',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
];

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'eks-access'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
