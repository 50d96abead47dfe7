/**
 * Baseline for the ack benchmark: a bare Bolt app on the same HTTPReceiver settings as the bot (signature check,
 * processBeforeResponse) whose listener only returns, so Bolt acknowledges. No guard, no Redis, no queue.
 * Run as its own process, like the bot's web role: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.
 */
import { serveBareBolt } from './bare-bolt-app.ts';

serveBareBolt('bare bolt listening', async () => {});
