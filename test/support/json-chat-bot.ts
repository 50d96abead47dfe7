import { createHash } from 'node:crypto';
import type { Worker } from 'bullmq';
import type { InteractionPayload } from '../../src/adapters/queue/jobs.ts';
import { asRequestId, type RequestId } from '../../src/core/ids.ts';
import { type Composition, compose } from '../../src/runtime/compose.ts';
import { readSettings } from '../../src/runtime/settings.ts';
import { startWorker } from '../../src/runtime/worker.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { setEnv } from '../integration/sandbox/aws-env.ts';
import { type E2eSandbox, startE2eSandbox } from './e2e-sandbox.ts';
import { JsonChat } from './json-chat.ts';

/**
 * The bot behind the JSON chat instead of Slack: the production composition and worker, with the chat ports
 * (notifier, home tab, people, user groups) taken from the JSON chat, and the AWS and Kubernetes fakes of the e2e
 * sandbox. Only this file and json-chat.ts know the JSON chat; core and use cases are the ones Slack runs on.
 */
export interface JsonChatBot {
  chat: JsonChat;
  sandbox: E2eSandbox;
  close(): Promise<void>;
}

export async function startJsonChatBot(): Promise<JsonChatBot> {
  const sandbox = await startE2eSandbox();
  // The AWS SDK reads its endpoints from the environment, as in the bot process; put it back afterwards.
  const restoreEnv = setEnv(
    Object.fromEntries(Object.entries(sandbox.env).filter(([name]) => name.startsWith('AWS_'))),
  );
  const { env, config } = readSettings('worker', sandbox.env);
  const log = createLogger('silent');
  const chat = await JsonChat.start();
  const base = compose(env, config, env.redisUrl ?? String(sandbox.env['REDIS_URL']), log);
  const composition: Composition = {
    ...base,
    deps: { ...base.deps, notifier: chat.notifier, home: chat.home, people: chat.people, userGroups: chat.userGroups },
  };
  const worker: Worker = startWorker(env, composition, log);
  chat.connect({
    async say({ user, conversation, messageId, text }) {
      await composition.producer.enqueueInbound({
        inboundId: `json-${messageId}`,
        requestId: requestIdFor(`json-${messageId}`),
        source: conversation.startsWith('dm-') ? 'dm' : 'mention',
        user,
        channel: conversation,
        ts: messageId,
        text,
      });
    },
    async press({ user, conversation, messageId, pressId, action, value }) {
      await composition.producer.enqueueInteraction(
        pressId,
        interaction(action, { user, conversation, messageId, value }),
      );
    },
  });
  return {
    chat,
    sandbox,
    async close() {
      await worker.close();
      await composition.close();
      await chat.close();
      await sandbox.close();
      restoreEnv();
    },
  };
}

/** The JSON chat's buttons → the bot's interactions (what the Slack listeners do with Slack's action ids). */
function interaction(
  action: Parameters<Parameters<JsonChat['connect']>[0]['press']>[0]['action'],
  on: { user: string; conversation: string; messageId: string; value: string },
): InteractionPayload {
  switch (action) {
    case 'approve':
      return {
        kind: 'review',
        requestId: on.value,
        decision: 'approve',
        user: on.user,
        card: { channel: on.conversation, ts: on.messageId },
      };
    case 'done':
    case 'extend':
    case 'migrate-entries':
    case 'ack-review':
    case 'unlink':
      return { kind: action, requestId: on.value, user: on.user, channel: on.conversation };
    case 'cancel':
      return { kind: 'cancel', requestId: on.value, user: on.user, channel: on.conversation };
    case 'diagnose':
    case 'request-access':
      return {
        kind: action === 'diagnose' ? 'diagnose' : 'request',
        clickId: `${on.messageId}-${on.user}`,
        requestId: requestIdFor(`json-click-${on.messageId}-${on.user}`),
        cluster: on.value,
        user: on.user,
        channel: on.conversation,
        threadTs: on.messageId,
      };
    case 'deny':
    case 'approve-step-up':
      // These ask the person for more (a reason, the cluster name): this tiny chat has no dialogs.
      throw new Error(`the JSON chat cannot ask for input (${action})`);
  }
}

/** A request id from the chat's message id, stable across redeliveries ("R" and ten Crockford characters). */
function requestIdFor(key: string): RequestId {
  const digest = createHash('sha256').update(key).digest();
  let id = 'R';
  for (let i = 0; i < 10; i++) id += '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[(digest[i] ?? 0) % 32];
  return asRequestId(id);
}
