import { asPersonId, type PersonId } from '../../core/ids.ts';
import { parseMessage } from '../../core/intent/parse-message.ts';
import { helpMessage } from '../../core/messages/help-text.ts';
import type { Message } from '../../core/messages/message.ts';
import { myAccessReply } from '../../core/messages/report-messages.ts';
import { clusterNames, principalOf } from '../../core/settings.ts';
import { breakGlass } from '../break-glass/break-glass.ts';
import { answerDiagnosis } from '../diagnose/answer-diagnosis.ts';
import { revokeAccess } from '../end/revoke-access.ts';
import { revokeUnnamed } from '../end/revoke-unnamed.ts';
import { linkIdentity, unlinkIdentity } from '../identity/link-identity.ts';
import type { Deps } from '../ports/deps.ts';
import { answerReport } from '../report/answer-report.ts';
import { cancelByText } from '../review/cancel-request.ts';
import { resolveSubject } from '../submit/resolve-subject.ts';
import { submitRequest } from '../submit/submit-request.ts';
import { inboundOwner, postOnce } from '../support/post-once.ts';
import { recordAudit } from '../support/record-audit.ts';
import { handleAdminCommand } from './handle-admin-command.ts';
import type { Conversation, HandleResult, InboundMessage } from './inbound.ts';

/** Parses one inbound message and answers it in its thread (slash commands: in a DM). */
export async function handleMessage(deps: Deps, input: InboundMessage): Promise<HandleResult> {
  const user = asPersonId(input.user);
  const names = clusterNames(deps.settings);
  const conversation = await conversationFor(deps, input, user);
  const reply = (message: Message) =>
    postOnce(deps, conversation.owner, 'reply', conversation, message).then(() => undefined);
  const intent = parseMessage(input.text, {
    clusterNames: names,
    ...(input.botUserId ? { botUserId: input.botUserId } : {}),
  });
  const help = {
    clusters: deps.settings.clusters.map((c) => ({ name: c.name, aliases: c.aliases })),
    isMapped: principalOf(deps.settings, user) !== undefined,
  };

  const unresolved = async (who: { reply: Message; reason: string }): Promise<HandleResult> => {
    await reply(who.reply);
    return { kind: 'replied', reason: who.reason };
  };

  switch (intent.kind) {
    case 'link': {
      // A channel mention is readable by others: its token is refused (slash commands and DMs are private).
      const where = input.source === 'mention' ? 'channel' : 'private';
      await reply(await linkIdentity(deps, { person: user, pasted: intent.pasted, where, length: input.text.length }));
      return { kind: 'replied', reason: 'link' };
    }
    case 'unlink':
      await reply(await unlinkIdentity(deps, user));
      return { kind: 'replied', reason: 'unlink' };
    case 'cancel':
      await reply(await cancelByText(deps, { user, clusterGiven: intent.cluster }));
      return { kind: 'replied', reason: 'cancel' };
    case 'migrate':
    case 'recover':
    case 'recover_needs_subject':
      return await handleAdminCommand(deps, input, user, intent, conversation, reply);
    case 'audit':
    case 'who_has_access':
      await reply(await answerReport(deps, user, intent));
      return { kind: 'replied', reason: intent.kind };
    case 'failure':
      // Not understood (too long, gibberish, hostile text): answered with help and recorded, nothing else.
      await recordAudit(deps, {
        type: 'refused',
        actor: user,
        requestId: input.requestId,
        detail: { code: 'unparseable', reason: intent.reason, length: String(input.text.length) },
      });
      await reply(helpMessage(help, intent));
      return { kind: 'replied', reason: `unparseable:${intent.reason}` };
    case 'help':
      await reply(helpMessage(help));
      return { kind: 'replied', reason: 'help' };
    case 'status': {
      await reply(myAccessReply(await deps.store.listForUser(user, 20), deps.clock.now()));
      return { kind: 'replied', reason: 'status' };
    }
    case 'revoke': {
      const who = await resolveSubject(deps, intent.subject, user);
      if ('reply' in who) return await unresolved(who);
      const subject = who.userId;
      // The ended notice is posted where this was asked; a reply here is only for a refusal or "nothing to revoke".
      const askedIn = {
        channel: conversation.channel,
        ...(conversation.threadTs ? { threadTs: conversation.threadTs } : {}),
      };
      const answer =
        intent.cluster === undefined
          ? await revokeUnnamed(deps, { by: user, subject, askedIn })
          : await revokeAccess(deps, { by: user, subject, clusterGiven: intent.cluster, askedIn });
      if (answer) await reply(answer);
      return { kind: 'replied', reason: 'revoke' };
    }
    case 'diagnose': {
      const outcome = await answerDiagnosis(deps, {
        user,
        ...(intent.cluster ? { clusterGiven: intent.cluster } : {}),
        identity: intent.identity,
        ask: intent.ask,
        conversation,
      });
      return { kind: 'replied', reason: `diagnosis:${outcome.kind}` };
    }
    case 'grant': {
      const who = await resolveSubject(deps, intent.subject, user);
      if ('reply' in who) return await unresolved(who);
      const subject = who.userId;
      const submit = intent.isBreakGlass ? breakGlass : submitRequest;
      const outcome = await submit(deps, {
        requestId: input.requestId,
        requester: user,
        subject,
        clusterGiven: intent.cluster,
        level: intent.level,
        namespaces: intent.namespaces,
        ...(intent.reason ? { reason: intent.reason } : {}),
        ...(intent.durationMs ? { durationMs: intent.durationMs } : {}),
        conversation,
      });
      if (!outcome.ok) {
        await reply(outcome.message);
        return { kind: 'replied', reason: `refused:${outcome.code}` };
      }
      return { kind: 'submitted', requestId: outcome.requestId };
    }
  }
}

/** Mentions and DMs are answered in their thread; slash commands have no message to thread under, so in a DM. */
async function conversationFor(
  deps: Pick<Deps, 'notifier'>,
  input: InboundMessage,
  user: PersonId,
): Promise<Conversation> {
  const owner = inboundOwner(input.inboundId);
  if (input.source === 'command') {
    const dm = await deps.notifier.openDm(user);
    return { owner, channel: dm };
  }
  return { owner, channel: input.channel, threadTs: input.threadTs ?? input.ts ?? '' };
}
