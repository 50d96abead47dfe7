/**
 * Baseline for the ack benchmark: a bare Bolt app on the same HTTPReceiver settings as the bot (signature check,
 * processBeforeResponse) whose listener only returns, so Bolt acknowledges. No guard, no Redis, no queue.
 * Run as its own process, like the bot's web role: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.
 */
import { createServer } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

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
app.event('app_mention', async () => {});
const server = createServer(receiver.requestListener);
server.listen(Number(process.env['PORT']), '127.0.0.1', () => console.log('bare bolt listening'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
