/**
 * The Bolt app both ack baselines run: the same HTTPReceiver settings as the bot (signature check,
 * processBeforeResponse), one `app_mention` listener, and nothing else. Configured from PORT, SLACK_SIGNING_SECRET,
 * SLACK_BOT_TOKEN and SLACK_API_URL; prints `readyLine` once it listens and closes on SIGTERM.
 */
import { createServer } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

export function serveBareBolt(readyLine: string, onMention: (body: { event_id?: string }) => Promise<void>): void {
  const receiver = new HTTPReceiver({
    signingSecret: process.env['SLACK_SIGNING_SECRET'] ?? '',
    endpoints: '/slack/events',
    processBeforeResponse: true,
    signatureVerification: true,
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: process.env['SLACK_BOT_TOKEN'] ?? '',
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env['SLACK_API_URL'] ?? '' },
  });
  app.event('app_mention', async ({ body }) => onMention(body));
  const server = createServer(receiver.requestListener);
  server.listen(Number(process.env['PORT']), '127.0.0.1', () => console.log(readyLine));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
