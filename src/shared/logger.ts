import { pino } from 'pino';

/** Paths pino blanks out wherever they appear, so tokens and secrets never reach the logs. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'slackBotToken',
  '*.slackBotToken',
  'slackAppToken',
  '*.slackAppToken',
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
  'Credentials',
  '*.Credentials',
  'secretAccessKey',
  '*.secretAccessKey',
  'SecretAccessKey',
  '*.SecretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'SessionToken',
  '*.SessionToken',
];

/** Slack tokens by shape (xoxb-, xoxp-, xapp-, …), wherever they appear in a line, e.g. inside an error message. */
const SLACK_TOKEN = /\bx(?:ox[abeprs]|app)-[A-Za-z0-9-]{6,}/g;
const CENSOR = '[redacted]';

export type Logger = pino.Logger;

/**
 * A logger whose every line carries `fields`, e.g. the request id across web and worker. It is passed down
 * explicitly rather than kept in AsyncLocalStorage: on Node 20 that turns on async_hooks' promise hooks for the
 * whole process, which cost the worker about a tenth of its CPU in the pipeline benchmark.
 */
export function withLogContext(log: Logger, fields: Record<string, unknown>): Logger {
  return log.child(fields);
}

export interface LoggerOptions {
  /** Secret values (tokens, signing secret, AWS keys) scrubbed from every line even where no redact path covers them. */
  secrets?: readonly (string | undefined)[];
  /** Where lines go (default stdout); tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

export function createLogger(level: string, name = 'eks-access', options: LoggerOptions = {}): Logger {
  // Short values would blank out ordinary words; real secrets are long.
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const settings: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    hooks: {
      streamWrite: (line) => {
        let out = line.replace(SLACK_TOKEN, CENSOR);
        for (const secret of secrets) out = out.split(secret).join(CENSOR);
        return out;
      },
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** The secret values in the process environment, for `createLogger`'s scrubber. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']
    .map((name) => env[name]?.trim() ?? '')
    .filter((value) => value !== '');
}
